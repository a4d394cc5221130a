"""Bulk upserts from partner centres, keyed by their own ids.

Each item is written in its own savepoint: a bad item is reported and rolled
back alone, the good ones stay. Results: `created`, `updated`, `unchanged`, or
`error` with a code and the field at fault.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from catalogue.models import Module
from integrations.models import Participant
from people.models import Organisation, Provider
from training import services as training
from training.models import Completion, Enrolment, EnrolmentStatus, Session, Source
from training.selectors import session_module_ids

MAX_ITEMS = 1000


@dataclass
class ItemError(Exception):
    """One item refused: a machine-readable code, the field at fault, a message."""

    code: str
    field: str | None
    detail: str


def normalise_email(email: str) -> str:
    """The matching key for participants: trimmed and lower-case."""
    return email.strip().lower()


def participant_resolve(*, centre: Organisation, data: dict[str, Any]) -> Provider:
    """The provider a centre's participant is: by the centre's id, else by e-mail, else new."""
    link = (
        Participant.objects.filter(partner_centre=centre, external_id=data["external_id"])
        .select_related("provider")
        .first()
    )
    if link is not None:
        return link.provider
    email = normalise_email(data["email"])
    provider = Provider.objects.filter(email__iexact=email).first()
    if provider is None:
        provider = Provider.objects.create(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=email,
            phone=data.get("phone", ""),
        )
    if Participant.objects.filter(partner_centre=centre, provider=provider).exists():
        raise ItemError(
            "participant_conflict",
            "participant.external_id",
            "This provider already has another id in this centre.",
        )
    Participant.objects.create(
        partner_centre=centre, external_id=data["external_id"], provider=provider
    )
    return provider


def _centre_session(centre: Organisation, external_id: str) -> Session:
    session = Session.objects.filter(organiser=centre, external_id=external_id).first()
    if session is None:
        raise ItemError("unknown_session", "session", "No session of yours has this id.")
    return session


def _run(item: dict[str, Any], write: Any) -> dict[str, Any]:
    try:
        with transaction.atomic():
            return {"external_id": item.get("external_id"), "result": write(item)}
    except ItemError as error:
        return {
            "external_id": item.get("external_id"),
            "result": "error",
            "code": error.code,
            "field": error.field,
            "detail": error.detail,
        }
    except ValidationError as error:
        field, code, detail = first_error(error.detail)
        return {
            "external_id": item.get("external_id"),
            "result": "error",
            "code": code,
            "field": field,
            "detail": detail,
        }
    except IntegrityError:
        return {
            "external_id": item.get("external_id"),
            "result": "error",
            "code": "conflict",
            "field": None,
            "detail": "A concurrent write conflicts with this item.",
        }


def first_error(detail: Any, prefix: str = "") -> tuple[str | None, str, str]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else f"{prefix}{key}"
            field, code, text = first_error(value, f"{name}." if name else prefix)
            return field or (name or None), code, text
    if isinstance(detail, list) and detail:
        return first_error(detail[0], prefix)
    return None, getattr(detail, "code", "invalid"), str(detail)


def enrolments_upsert(
    *, centre: Organisation, items: list[dict[str, Any]], actor: Any
) -> list[dict[str, Any]]:
    """Create, cancel or leave alone each enrolment named by the centre's id."""

    def write(item: dict[str, Any]) -> str:
        session = _centre_session(centre, item["session"])
        existing = Enrolment.objects.filter(
            source_centre=centre, external_id=item["external_id"]
        ).first()
        wanted = item.get("status", "enrolled")
        if existing is None:
            provider = participant_resolve(centre=centre, data=item["participant"])
            enrolment = training.enrolment_create(
                session=session,
                provider=provider,
                actor=actor,
                external_id=item["external_id"],
                source_centre=centre,
            )
            if wanted == "cancelled":
                training.enrolment_cancel(enrolment=enrolment)
            return "created"
        if existing.session_id != session.pk:
            raise ItemError(
                "session_changed", "session", "This enrolment belongs to another session."
            )
        if wanted == "cancelled" and existing.status != EnrolmentStatus.CANCELLED:
            training.enrolment_cancel(enrolment=existing)
            return "updated"
        if wanted != "cancelled" and existing.status == EnrolmentStatus.CANCELLED:
            raise ItemError(
                "cancelled", "status", "A cancelled enrolment stays cancelled; send a new id."
            )
        return "unchanged"

    return [_run(item, write) for item in items]


def completions_upsert(
    *, centre: Organisation, items: list[dict[str, Any]], actor: Any
) -> list[dict[str, Any]]:
    """Record, correct (void and replace) or leave alone each completion named by the
    centre's id."""

    def write(item: dict[str, Any]) -> str:
        session = _centre_session(centre, item["session"])
        link = Participant.objects.filter(
            partner_centre=centre, external_id=item["participant"]
        ).first()
        if link is None:
            raise ItemError(
                "unknown_participant", "participant", "No participant of yours has this id."
            )
        module = Module.objects.filter(code=item["module"]).first()
        if module is None or module.pk not in session_module_ids(session):
            raise ItemError("wrong_module", "module", "This session does not teach that module.")
        completed_on: dt.date = item.get("completed_on") or timezone.localdate()
        live = Completion.objects.filter(
            source_centre=centre, external_id=item["external_id"], voided_at__isnull=True
        ).first()
        if live is not None:
            same = (
                live.provider_id,
                live.module_id,
                live.session_id,
                live.outcome,
                live.completed_on,
            ) == (link.provider_id, module.pk, session.pk, item["outcome"], completed_on)
            if same:
                return "unchanged"
            training.completion_void(completion=live, reason="corrected by partner", actor=actor)
        training.completion_create(
            provider=link.provider,
            module_id=module.pk,
            session=session,
            completed_on=completed_on,
            outcome=item["outcome"],
            actor=actor,
            source=Source.PARTNER,
            external_id=item["external_id"],
            source_centre=centre,
        )
        return "updated" if live is not None else "created"

    return [_run(item, write) for item in items]
