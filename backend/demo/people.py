"""Loads the demo people and sessions from fixtures/people.json, idempotently.

The office and its information offices, the partner centres, the providers and
their businesses, the trainers; the Web 2.0 sessions, workshops, digital clubs
and conferences with their enrolments and attendance sheets; the providers'
self-assessments before and after their training. The file's `about` list
describes its format.

Rows are upserted by natural key: organisation name, business name and
commune, provider and trainer email, session organiser and external_id.
Sessions, enrolments, completions and self-assessments are written through the
training and progress services (people have no service: plain ORM). Running it
again changes nothing: existing enrolments are kept, an attendance sheet equal
to the recorded one is left unchanged, and a provider who already has
self-assessments is skipped. Needs the demo catalogue (`load_catalogue`) first.

The fixture's dates are written as seen from its `today`: the loader moves every one of
them by the whole weeks between that day and the day it runs (weekdays kept), so the
programme's past stays past and its upcoming sessions are always ahead, whenever
`make run` is typed. A session already loaded keeps its dates.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalogue.models import Competency, LearningPath, Module
from people.models import Business, Organisation, Provider, Trainer
from progress import services as progress_services
from progress.models import SelfAssessment
from training import services as training_services
from training.models import Completion, Enrolment, EnrolmentStatus, Session, SessionStatus

FIXTURE = Path(settings.PROJECT_DIR) / "fixtures" / "people.json"
# The programme runs in Brittany: the fixture's local times are Paris times.
ZONE = ZoneInfo("Europe/Paris")
REASONS = {"NOT_ENOUGH_PARTICIPANTS": training_services.NOT_ENOUGH_PARTICIPANTS}


class DemoDataError(Exception):
    """The fixture cannot be loaded into the database as it stands."""


class Calendar:
    """The fixture's dates, moved to the day of the load by whole weeks."""

    def __init__(self, fixture_today: dt.date, today: dt.date) -> None:
        self.shift = dt.timedelta(weeks=(today - fixture_today).days // 7)

    def day(self, text: str) -> dt.date:
        """'YYYY-MM-DD', moved."""
        return dt.date.fromisoformat(text) + self.shift

    def local(self, text: str) -> dt.datetime:
        """'YYYY-MM-DD HH:MM' in Paris time, moved, as an aware datetime (same wall time)."""
        day, time = text.split(" ")
        moved = dt.datetime.combine(self.day(day), dt.datetime.strptime(time, "%H:%M").time())
        return moved.replace(tzinfo=ZONE)

    def slot(self, text: str) -> dict[str, dt.datetime]:
        """'YYYY-MM-DD HH:MM-HH:MM' as the service's {starts_at, ends_at}."""
        day, hours = text.split(" ")
        start, end = hours.split("-")
        return {"starts_at": self.local(f"{day} {start}"), "ends_at": self.local(f"{day} {end}")}


def _organisations(items: list[dict[str, Any]]) -> dict[str, Organisation]:
    refs: dict[str, Organisation] = {}
    for item in items:
        organisation, _ = Organisation.objects.update_or_create(
            name=item["name"],
            defaults={
                "kind": item["kind"],
                "parent": refs[item["parent"]] if item.get("parent") else None,
                "commune": item.get("commune", ""),
            },
        )
        refs[item["ref"]] = organisation
    return refs


def _trainers(
    items: list[dict[str, Any]], organisations: dict[str, Organisation]
) -> dict[str, Trainer]:
    refs: dict[str, Trainer] = {}
    for item in items:
        trainer = Trainer.objects.filter(email__iexact=item["email"]).first() or Trainer()
        trainer.first_name = item["first_name"]
        trainer.last_name = item["last_name"]
        trainer.email = item["email"]
        trainer.organisation = organisations[item["organisation"]]
        trainer.save()
        refs[item["ref"]] = trainer
    return refs


def _businesses(
    items: list[dict[str, Any]], organisations: dict[str, Organisation]
) -> dict[str, Business]:
    refs: dict[str, Business] = {}
    for item in items:
        business = Business.objects.filter(
            name=item["name"], commune=item["commune"]
        ).first() or Business(name=item["name"], commune=item["commune"])
        business.sector = item["sector"]
        business.office = organisations[item["office"]]
        business.save()
        refs[item["ref"]] = business
    return refs


def _providers(items: list[dict[str, Any]], businesses: dict[str, Business]) -> dict[str, Provider]:
    paths = {path.code: path for path in LearningPath.objects.all()}
    refs: dict[str, Provider] = {}
    for item in items:
        provider = Provider.objects.filter(email__iexact=item["email"]).first() or Provider()
        provider.first_name = item["first_name"]
        provider.last_name = item["last_name"]
        provider.email = item["email"]
        provider.phone = item.get("phone", "")
        provider.business = businesses[item["business"]] if item.get("business") else None
        provider.shares_progress_with_partners = item.get("shares_progress_with_partners", False)
        provider.save()
        provider.assigned_paths.set([paths[code] for code in item.get("assigned_paths", [])])
        refs[item["ref"]] = provider
    return refs


def _enrol(session: Session, participants: list[Provider]) -> None:
    """Enrol, in the fixture's order, the participants who are not enrolled yet."""
    active = set(
        session.enrolments.exclude(status=EnrolmentStatus.CANCELLED).values_list(
            "provider_id", flat=True
        )
    )
    missing = [provider for provider in participants if provider.pk not in active]
    if not missing:
        return
    if session.status not in training_services.ENROLLABLE:
        raise DemoDataError(
            f"Session {session.external_id} is {session.status}: {len(missing)} participant(s) of "
            "the fixture cannot be enrolled any more. Delete the demo database to reload it."
        )
    # The fixture's past sessions took their enrolments before they started.
    enrolled_at = session.starts_at - dt.timedelta(days=1) if session.starts_at else None
    for provider in missing:
        training_services.enrolment_create(
            session=session, provider=provider, actor=None, enrolled_at=enrolled_at
        )


def _taught_modules(session: Session) -> list[Module]:
    if session.module is not None:
        return [session.module]
    assert session.path is not None
    return [
        step.module for step in session.path.steps.select_related("module").order_by("position")
    ]


def _attendance(session: Session, sheet: dict[str, Any], participants: dict[str, Provider]) -> None:
    """Record the attendance sheet of every enrolled participant for every taught module."""
    enrolled = set(
        session.enrolments.filter(status=EnrolmentStatus.ENROLLED).values_list(
            "provider_id", flat=True
        )
    )
    exceptions: dict[str, Any] = sheet.get("exceptions", {})
    for ref in exceptions:
        if ref not in participants or participants[ref].pk not in enrolled:
            raise DemoDataError(f"Session {session.external_id}: {ref} is not enrolled.")
    records = []
    for ref, provider in participants.items():
        if provider.pk not in enrolled:
            continue  # on the waiting list
        exception = exceptions.get(ref)
        for module in _taught_modules(session):
            if isinstance(exception, str):
                outcome = exception
            elif isinstance(exception, dict):
                outcome = exception.get(module.code, sheet["default"])
            else:
                outcome = sheet["default"]
            records.append({"provider": provider, "module": module, "outcome": outcome})
    assert session.ends_at is not None
    completed_on = timezone.localtime(session.ends_at, ZONE).date()
    if completed_on > timezone.localdate():
        raise DemoDataError(f"Session {session.external_id}: attendance in the future.")
    training_services.attendance_record(
        session=session, records=records, completed_on=completed_on, actor=None
    )


def _session(
    item: dict[str, Any],
    organisations: dict[str, Organisation],
    trainers: dict[str, Trainer],
    providers: dict[str, Provider],
    calendar: Calendar,
) -> Session:
    """Upsert a session, then walk its lifecycle to the fixture's status."""
    organiser = organisations[item["organiser"]]
    fields: dict[str, Any] = {
        "module": Module.objects.get(code=item["module"]) if item.get("module") else None,
        "path": LearningPath.objects.get(code=item["path"]) if item.get("path") else None,
        "organiser": organiser,
        "title": item.get("title", ""),
        "venue": item["venue"],
        "commune": item["commune"],
        "capacity": item["capacity"],
        "min_participants": item.get("min_participants", 0),
        "decision_date": (
            calendar.day(item["decision_date"]) if item.get("decision_date") else None
        ),
        "price": Decimal(item.get("price", "0")),
        "funding": item["funding"],
        "trainers": [trainers[ref] for ref in item.get("trainers", [])],
        "slots": [calendar.slot(text) for text in item["slots"]],
    }
    session = Session.objects.filter(organiser=organiser, external_id=item["external_id"]).first()
    if session is None:
        session = training_services.session_create(
            data={**fields, "external_id": item["external_id"]}
        )
    else:  # loaded on an earlier day: its dates stay those it was given then
        del fields["slots"], fields["decision_date"]
        session = training_services.session_update(session=session, data=fields)

    target = item["status"]
    participants = {ref: providers[ref] for ref in item.get("participants", [])}
    if session.status == SessionStatus.DRAFT and target != SessionStatus.DRAFT:
        session = training_services.session_open(session=session)
    _enrol(session, list(participants.values()))
    if target == SessionStatus.CANCELLED:
        if session.status != SessionStatus.CANCELLED:
            reason = item.get("cancel_reason", "")
            session = training_services.session_cancel(
                session=session,
                reason=REASONS.get(reason, reason),
                cause=item.get(
                    "cancel_cause", "too_few_participants" if reason in REASONS else "other"
                ),
            )
    else:
        if target in (SessionStatus.CONFIRMED, SessionStatus.COMPLETED) and (
            session.status == SessionStatus.OPEN
        ):
            session = training_services.session_confirm(session=session)
        if "attendance" in item:
            _attendance(session, item["attendance"], participants)
        if target == SessionStatus.COMPLETED and session.status == SessionStatus.CONFIRMED:
            session = training_services.session_complete(session=session)
    if session.status != target:
        raise DemoDataError(
            f"Session {session.external_id} is {session.status}, the fixture says {target}."
        )
    return session


def _self_assessments(
    items: dict[str, list[dict[str, Any]]],
    providers: dict[str, Provider],
    framework: str,
    calendar: Calendar,
) -> None:
    competencies = {c.code: c for c in Competency.objects.filter(framework__code=framework)}
    now = timezone.now()
    for ref, entries in items.items():
        provider = providers[ref]
        if SelfAssessment.objects.filter(provider=provider).exists():
            continue
        for entry in entries:
            assessed_at = calendar.local(entry["at"])
            if assessed_at > now:
                raise DemoDataError(f"{ref}: a self-assessment in the future ({entry['at']}).")
            comments: dict[str, str] = entry.get("comments", {})
            ratings = [
                {
                    "competency": competencies[code],
                    "level": level,
                    "comment": comments.get(code, ""),
                    "assessed_at": assessed_at,
                }
                for code, level in entry["levels"].items()
            ]
            progress_services.self_assessments_create(
                provider=provider, ratings=ratings, assessed_at=assessed_at, actor=None
            )


@transaction.atomic
def load_people() -> dict[str, int]:
    """Create or refresh the demo people and sessions; returns how many of each the set has."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    calendar = Calendar(dt.date.fromisoformat(data["today"]), timezone.localdate())
    organisations = _organisations(data["organisations"])
    trainers = _trainers(data["trainers"], organisations)
    businesses = _businesses(data["businesses"], organisations)
    providers = _providers(data["providers"], businesses)
    sessions = [
        _session(item, organisations, trainers, providers, calendar) for item in data["sessions"]
    ]
    _self_assessments(data["self_assessments"], providers, data["framework"], calendar)
    session_ids = [session.pk for session in sessions]
    return {
        "organisations": len(organisations),
        "businesses": len(businesses),
        "providers": len(providers),
        "trainers": len(trainers),
        "sessions": len(sessions),
        "enrolments": Enrolment.objects.filter(session_id__in=session_ids)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .count(),
        "completions": Completion.objects.filter(
            session_id__in=session_ids, voided_at__isnull=True
        ).count(),
        "self-assessments": SelfAssessment.objects.filter(
            provider_id__in=[provider.pk for provider in providers.values()]
        ).count(),
    }
