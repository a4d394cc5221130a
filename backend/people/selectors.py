"""Reads of organisations, businesses, providers and trainers, scoped to the caller
(each model's `objects.visible_to(user)`)."""

from typing import Any

from django.db.models import QuerySet

from people.models import Business, Organisation, Provider, Trainer


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation (not personal data: any signed-in caller may read them)."""
    return Organisation.objects.select_related("parent")


def provider_list(*, user: Any) -> QuerySet[Provider]:
    """Providers the caller may see (`Provider.objects.visible_to`), with their business
    and assigned paths."""
    return (
        Provider.objects.select_related("business")
        .prefetch_related("assigned_paths")
        .visible_to(user)
    )


def business_list(*, user: Any) -> QuerySet[Business]:
    """Businesses the caller may see (`Business.objects.visible_to`), with their office."""
    return Business.objects.select_related("office").visible_to(user)


def trainer_list(*, user: Any) -> QuerySet[Trainer]:
    """Trainers the caller may see (`Trainer.objects.visible_to`), with their organisation."""
    return Trainer.objects.select_related("organisation").visible_to(user)


def provider_of(user: Any) -> Provider:
    """The provider a provider login belongs to."""
    provider_id: int = user.provider_id
    return Provider.objects.get(pk=provider_id)
