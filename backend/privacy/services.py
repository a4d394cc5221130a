"""Everything Parcours holds about a provider, and their erasure (see docs/privacy.md).

Erasure anonymises the person and keeps the anonymous facts (levels, attendance) that
the office's statistics are made of: the record stays, with no name, contact, free
text, login or partner id left on it. Running it again changes nothing.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from audit.services import audit_event_add, audit_events_redact
from integrations.models import Participant
from people.models import Provider
from progress.models import ProviderCompetencyLevel, SelfAssessment
from training.models import Completion, Enrolment

ERASED_NAME = "Anonyme"
# What a login says of its person (its username and e-mail included).
LOGIN_PERSONAL_FIELDS = {"username", "email", "first_name", "last_name"}


def provider_export(*, provider: Provider) -> dict[str, Any]:
    """Every record about the provider, as plain data."""
    login = User.objects.filter(provider=provider).first()
    return {
        "exported_at": timezone.now(),
        "provider": {
            "id": provider.pk,
            "first_name": provider.first_name,
            "last_name": provider.last_name,
            "email": provider.email,
            "phone": provider.phone,
            "business": provider.business.name if provider.business else None,
            "shares_progress_with_partners": provider.shares_progress_with_partners,
            "assigned_paths": list(provider.assigned_paths.values_list("code", flat=True)),
            "created_at": provider.created_at,
            "updated_at": provider.updated_at,
            "erased_at": provider.erased_at,
        },
        "login": None
        if login is None
        else {
            "username": login.username,
            "email": login.email,
            "first_name": login.first_name,
            "last_name": login.last_name,
            "role": login.role,
            "is_active": login.is_active,
            "date_joined": login.date_joined,
            "last_login": login.last_login,
        },
        "self_assessments": list(
            SelfAssessment.objects.filter(provider=provider)
            .order_by("assessed_at", "id")
            .values("id", "competency__code", "level", "comment", "assessed_at")
        ),
        "levels": list(
            ProviderCompetencyLevel.objects.filter(provider=provider)
            .order_by("competency__code")
            .values("competency__code", "level", "assessed_at", "evidenced_level", "target_level")
        ),
        "enrolments": list(
            Enrolment.objects.filter(provider=provider)
            .order_by("created_at", "id")
            .values("id", "session_id", "status", "created_at", "cancelled_at")
        ),
        "completions": list(
            Completion.objects.filter(provider=provider)
            .order_by("completed_on", "id")
            .values(
                "id",
                "module__code",
                "session_id",
                "outcome",
                "completed_on",
                "source",
                "voided_at",
                "void_reason",
            )
        ),
        "partner_ids": list(
            Participant.objects.filter(provider=provider)
            .order_by("partner_centre__name")
            .values("partner_centre__name", "external_id")
        ),
    }


@transaction.atomic
def provider_erase(*, provider: Provider) -> Provider:
    """Anonymise the provider: names, contact and comments gone, login disabled, partner
    ids dropped; levels and attendance kept, anonymous. The audit trail keeps that the
    person was erased and loses every value of theirs. Safe to run twice."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    first_erasure = provider.erased_at is None
    logins = list(User.objects.filter(provider=provider))
    comments = SelfAssessment.objects.filter(provider=provider).exclude(comment="")
    # The values to hunt down in the trail: only before the first erasure are they the
    # person's (afterwards they are the anonymous ones written here).
    erased_values = (
        set()
        if not first_erasure
        else {
            provider.first_name,
            provider.last_name,
            provider.email,
            provider.phone,
            *comments.values_list("comment", flat=True),
            *(value for login in logins for value in _login_values(login)),
        }
    )
    provider.first_name = ERASED_NAME
    provider.last_name = f"#{provider.pk}"
    provider.email = f"erased-{provider.pk}@erased.invalid"
    provider.phone = ""
    provider.shares_progress_with_partners = False
    provider.erased_at = provider.erased_at or timezone.now()
    provider.save()
    comments.update(comment="")
    Participant.objects.filter(provider=provider).delete()
    for login in logins:
        if _anonymous(login):
            continue  # erased before: saving again would only change its unusable password
        login.username = f"erased-{login.pk}"
        login.email = ""
        login.first_name = ""
        login.last_name = ""
        login.is_active = False
        login.set_unusable_password()
        login.save()
    audit_events_redact(
        records={
            "accounts.user": ([login.pk for login in logins], LOGIN_PERSONAL_FIELDS),
            "progress.selfassessment": (
                list(SelfAssessment.objects.filter(provider=provider).values_list("pk", flat=True)),
                {"comment"},
            ),
        },
        authors={login.pk: login.username for login in logins},
        values=erased_values,
    )
    if first_erasure:
        audit_event_add(record_type="people.provider", record_id=provider.pk, action="erased")
    return provider


def _anonymous(login: User) -> bool:
    return (
        login.username == f"erased-{login.pk}"
        and not login.is_active
        and not login.has_usable_password()
        and not any(getattr(login, name) for name in LOGIN_PERSONAL_FIELDS - {"username"})
    )


def _login_values(login: User) -> list[str]:
    return [getattr(login, name) for name in LOGIN_PERSONAL_FIELDS]


def inactive_providers(*, since: dt.datetime) -> QuerySet[Provider]:
    """Providers not yet erased with no activity since `since`: no change to their record,
    rating, enrolment, completion, nor sign-in."""

    def latest(queryset: QuerySet[Any], field: str) -> Subquery:
        return Subquery(
            queryset.filter(provider=OuterRef("pk"))
            .order_by()
            .values("provider")
            .annotate(last=Max(field))
            .values("last")[:1]
        )

    def quiet(name: str) -> Q:
        return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lt": since})

    return (
        Provider.objects.filter(erased_at__isnull=True, updated_at__lt=since)
        .annotate(
            last_rating=latest(SelfAssessment.objects.all(), "assessed_at"),
            last_enrolment=latest(Enrolment.objects.all(), "updated_at"),
            last_completion=latest(Completion.objects.all(), "updated_at"),
            last_sign_in=latest(User.objects.all(), "last_login"),
        )
        .filter(
            quiet("last_rating"),
            quiet("last_enrolment"),
            quiet("last_completion"),
            quiet("last_sign_in"),
        )
    )
