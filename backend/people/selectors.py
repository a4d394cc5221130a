"""Reads of organisations, businesses, providers and trainers, scoped to the caller."""

from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from api.permissions import COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of
from people.models import Business, Organisation, Provider, Trainer


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation (not personal data: any signed-in caller may read them)."""
    return Organisation.objects.select_related("parent")


def provider_list(*, user: Any) -> QuerySet[Provider]:
    """Providers the caller may see.

    Coordinators: all. A provider: themself. A trainer: the participants of the
    sessions they train. A partner centre: the participants of its sessions.
    """
    queryset = Provider.objects.select_related("business").prefetch_related("assigned_paths")
    role = role_of(user)
    if role == COORDINATOR:
        return queryset
    if role == PROVIDER and user.provider_id:
        return queryset.filter(pk=user.provider_id)
    # Participants are read from enrolments themselves: filtering providers through a
    # multi-valued relation would mix one provider's enrolments in different sessions.
    enrolments = apps.get_model("training", "Enrolment").objects
    if role == TRAINER and user.trainer_id:
        taught = enrolments.filter(session__trainers=user.trainer_id).exclude(status="cancelled")
        return queryset.filter(pk__in=taught.values("provider_id"))
    if role == PARTNER and user.partner_centre_id:
        theirs = enrolments.filter(session__organiser_id=user.partner_centre_id)
        return queryset.filter(pk__in=theirs.values("provider_id"))
    return queryset.none()


def business_list(*, user: Any) -> QuerySet[Business]:
    """Businesses the caller may see: all for coordinators, else those of visible providers."""
    queryset = Business.objects.select_related("office")
    if role_of(user) == COORDINATOR:
        return queryset
    visible = provider_list(user=user).exclude(business__isnull=True).values("business_id")
    return queryset.filter(pk__in=visible)


def trainer_list(*, user: Any) -> QuerySet[Trainer]:
    """Trainers: all for coordinators; a trainer sees themself."""
    queryset = Trainer.objects.select_related("organisation")
    role = role_of(user)
    if role == COORDINATOR:
        return queryset
    if role == TRAINER and user.trainer_id:
        return queryset.filter(pk=user.trainer_id)
    return queryset.none()


def provider_of(user: Any) -> Provider:
    """The provider a provider login belongs to."""
    provider_id: int = user.provider_id
    return Provider.objects.get(pk=provider_id)
