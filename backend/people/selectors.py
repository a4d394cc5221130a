"""Reads of organisations, businesses, providers and trainers, scoped to the caller."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from common.roles import COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of
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
    if role in (TRAINER, PARTNER) and _participants is not None:
        return queryset.filter(pk__in=_participants(user))
    return queryset.none()


# The participants a trainer or a partner centre sees are read from sessions and
# enrolments, which training owns, a floor above people: training hands people that
# read when it starts (`TrainingConfig.ready`), so people imports nothing of training.
ParticipantIds = Callable[[Any], "QuerySet[Any]"]
_participants: ParticipantIds | None = None


def set_participants_read(read: ParticipantIds) -> None:
    """Name the read giving the ids of the providers a trainer or a partner centre may
    see (called once, by training)."""
    global _participants
    _participants = read


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
