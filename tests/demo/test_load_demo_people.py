"""The demo people and sessions: the office's programme as it ran, loadable any number of times."""

import datetime as dt
import json
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from common.roles import Role
from demo.people import FIXTURE
from people.models import Business, Organisation, Provider, Sector, Trainer
from progress.models import ProviderCompetencyLevel, SelfAssessment
from progress.selectors import provider_progress
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Funding,
    Session,
    SessionSlot,
    SessionStatus,
)
from training.services import NOT_ENOUGH_PARTICIPANTS

PARIS = ZoneInfo("Europe/Paris")
# The day the fixture's dates are written from; the loader moves them to the day it runs.
FIXTURE_TODAY = dt.date.fromisoformat(json.loads(FIXTURE.read_text(encoding="utf-8"))["today"])


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=PARIS)


@pytest.fixture(autouse=True)
def on_the_fixtures_day():
    """The programme as the fixture tells it, years included: these tests run on the
    fixture's `today` (the clock still ticks). The tests of the moved dates travel on."""
    with time_machine.travel(noon(FIXTURE_TODAY), tick=True):
        yield


TRACKED = [
    Organisation,
    Business,
    Provider,
    Trainer,
    Session,
    SessionSlot,
    Enrolment,
    Completion,
    SelfAssessment,
    ProviderCompetencyLevel,
    User,
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TRACKED}


@pytest.fixture
def fast_passwords(settings):
    """The demo logins' passwords are hashed at every load: a fast hasher keeps the tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db: None, fast_passwords: None) -> None:
    load_demo()


def web20_sessions() -> list[Session]:
    return list(Session.objects.filter(path__code="WEB20").order_by("starts_at"))


@pytest.mark.django_db
@pytest.mark.usefixtures("fast_passwords")
def test_load_demo_with_people_is_idempotent():
    output = load_demo()
    first = counts()
    assert "44 providers" in output
    assert "17 sessions" in output
    assert load_demo() == output
    assert counts() == first
    assert not Completion.objects.filter(voided_at__isnull=False).exists()
    assert not Enrolment.objects.filter(status=EnrolmentStatus.CANCELLED).exists()


def test_the_office_its_information_offices_and_partner_centres(demo):
    office = Organisation.objects.get(kind="office")
    assert office.name == "Maison du tourisme de la Baie"
    information_offices = Organisation.objects.filter(kind="information_office")
    assert information_offices.count() == 4
    assert all(bit.parent == office and bit.commune for bit in information_offices)
    centres = Organisation.objects.filter(kind="partner_centre")
    assert centres.count() == 2
    assert centres.filter(name__startswith="Office de tourisme voisin").count() == 1
    training_centre = centres.get(name="Centre de formation Léon Avenir")
    assert training_centre.commune != office.commune


def test_providers_across_sectors_communes_and_offices(demo):
    providers = Provider.objects.select_related("business__office")
    assert 38 <= providers.count() <= 45
    assert all(p.email.endswith(("@example.org", "@example.fr")) for p in providers)
    businesses = Business.objects.all()
    assert set(businesses.values_list("sector", flat=True)) == set(Sector.values)
    assert businesses.values("commune").distinct().count() >= 10
    assert {b.office.kind for b in businesses.select_related("office")} == {"information_office"}
    assert businesses.values("office").distinct().count() == 4
    assert all(p.business is not None for p in providers)
    sharing = providers.filter(shares_progress_with_partners=True).count()
    assert 5 <= sharing < providers.count()
    assert 3 <= providers.filter(assigned_paths__code="FOLLOWUP").count() <= 8


def test_seven_facilitators_and_one_outside_trainer(demo):
    trainers = list(Trainer.objects.select_related("organisation"))
    assert sum(trainer.is_facilitator for trainer in trainers) == 7
    outside = [trainer for trainer in trainers if not trainer.is_facilitator]
    assert len(outside) == 1
    assert outside[0].organisation.name == "Centre de formation Léon Avenir"


def test_the_five_web20_sessions_and_their_funding(demo):
    sessions = web20_sessions()
    assert [s.external_id for s in sessions] == [
        "DEMO-W20-2019-1",
        "DEMO-W20-2019-2",
        "DEMO-W20-2021-1",
        "DEMO-W20-2022-1",
        "DEMO-W20-2023-1",
    ]
    assert all(s.status == SessionStatus.COMPLETED and s.module is None for s in sessions)
    assert all(s.slots.count() == 4 for s in sessions)
    assert {s.starts_at.year for s in sessions if s.starts_at} <= set(range(2019, 2024))

    free, with_neighbour, centre = sessions[:2], sessions[2:4], sessions[4]
    assert all(s.funding == Funding.SUBSIDISED and s.price == 0 for s in free)
    neighbour = Organisation.objects.get(name__startswith="Office de tourisme voisin")
    office = Organisation.objects.get(kind="office")
    assert all(s.funding == Funding.TRAINING_FUND and s.price > 0 for s in with_neighbour)
    assert {s.organiser for s in with_neighbour} <= {office, neighbour}
    assert centre.organiser.name == "Centre de formation Léon Avenir"
    assert [s.organiser.kind for s in sessions].count("partner_centre") == 2
    assert sum(s.organiser == centre.organiser for s in sessions) == 1

    for session in sessions:
        enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        assert 8 <= enrolled <= 12
        sheet = Completion.objects.filter(session=session)
        assert sheet.count() == enrolled * 4
        assert set(sheet.values_list("module__code", flat=True)) == {
            "W20-D1",
            "W20-D2",
            "W20-D3",
            "W20-D4",
        }
        outcomes = Counter(sheet.values_list("outcome", flat=True))
        assert outcomes["completed"] > 0.8 * sheet.count()
        assert session.ends_at is not None
        assert set(sheet.values_list("completed_on", flat=True)) == {
            timezone.localtime(session.ends_at, PARIS).date()
        }
    all_outcomes = set(Completion.objects.filter(session__in=sessions).values_list("outcome"))
    assert all_outcomes == {("completed",), ("attended",), ("absent",)}
    # Each provider followed Web 2.0 once.
    twice = (
        Enrolment.objects.filter(session__path__code="WEB20")
        .values("provider")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not twice.exists()


def test_workshops_held_cancelled_and_upcoming(demo):
    workshops = Session.objects.filter(module__format="workshop")
    assert set(workshops.values_list("module__code", flat=True)) >= {"WS-FACEBOOK", "WS-INSTAGRAM"}
    cancelled = workshops.filter(status=SessionStatus.CANCELLED)
    assert cancelled.count() == 1
    assert cancelled.get().cancel_reason == NOT_ENOUGH_PARTICIPANTS == "not enough participants"
    assert Session.objects.filter(status=SessionStatus.CANCELLED).count() == 1
    assert cancelled.get().enrolments.count() < cancelled.get().min_participants

    held = workshops.filter(status=SessionStatus.COMPLETED)
    assert held.count() >= 2
    assert all(s.completions.exists() for s in held)
    assert Enrolment.objects.filter(status=EnrolmentStatus.WAITLISTED, session__in=held).exists()

    upcoming = workshops.filter(status=SessionStatus.OPEN).annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status="enrolled"))
    )
    assert upcoming.count() == 2
    for session in upcoming:
        assert session.starts_at is not None
        assert session.starts_at > timezone.now()
        assert session.starts_at.year == 2027
        assert 0 < session.enrolled < session.capacity
        assert session.decision_date is not None
        assert session.decision_date > timezone.localdate()


@pytest.mark.parametrize(
    "days_later", [0, 1, 6, 51, 400, 3 * 365 + 100], ids=lambda days: f"{days}-days-later"
)
def test_loaded_any_day_the_past_stays_past_and_the_upcoming_ahead(db, fast_passwords, days_later):
    """`make run` on any day shows the same programme, moved by whole weeks to that day."""
    with time_machine.travel(noon(FIXTURE_TODAY + dt.timedelta(days=days_later)), tick=True):
        load_demo()
        now, today = timezone.now(), timezone.localdate()
        upcoming = Session.objects.filter(status=SessionStatus.OPEN)
        assert upcoming.count() == 2
        for session in upcoming:
            assert session.starts_at is not None
            assert session.starts_at > now
            assert session.decision_date is not None
            assert session.decision_date > today
            assert session.enrolments.filter(status=EnrolmentStatus.ENROLLED).exists()
        held = Session.objects.exclude(status__in=[SessionStatus.OPEN, SessionStatus.CANCELLED])
        assert held.exists()
        assert all(s.ends_at is not None and s.ends_at < now for s in held)
        assert not SelfAssessment.objects.filter(assessed_at__gt=now).exists()
        assert not Completion.objects.filter(completed_on__gt=today).exists()
        # Moved by whole weeks: every slot keeps the weekday and the hours it was given.
        weeks = (today - FIXTURE_TODAY).days // 7
        first = SessionSlot.objects.order_by("starts_at").first()
        assert first is not None
        written = timezone.localtime(first.starts_at, PARIS) - dt.timedelta(weeks=weeks)
        assert written.strftime("%Y-%m-%d %H:%M") == "2019-03-04 09:00"


def test_a_database_loaded_earlier_keeps_its_dates_when_loaded_again(db, fast_passwords):
    load_demo()
    slots = list(SessionSlot.objects.order_by("pk").values_list("starts_at", flat=True))
    before = counts()
    with time_machine.travel(noon(FIXTURE_TODAY + dt.timedelta(days=60)), tick=True):
        load_demo()
    assert list(SessionSlot.objects.order_by("pk").values_list("starts_at", flat=True)) == slots
    assert counts() == before


def test_digital_clubs_off_season_and_conferences(demo):
    clubs = Session.objects.filter(module__code="CLUB")
    assert clubs.count() >= 4
    for club in clubs:
        assert club.starts_at is not None
        assert timezone.localtime(club.starts_at, PARIS).month in {10, 11, 12, 1, 2, 3}
        assert club.status == SessionStatus.COMPLETED
        assert club.completions.exists()
    conferences = Session.objects.filter(module__code="CONF")
    assert conferences.exists()
    providers = Provider.objects.count()
    for conference in conferences:
        assert conference.status == SessionStatus.COMPLETED
        assert conference.enrolments.count() > providers * 0.6
        assert conference.completions.count() == conference.enrolments.count()


def test_self_assessments_before_and_after_web20(demo):
    tools = {"STRATEGY", "FACEBOOK", "TWITTER", "INSTAGRAM"}
    rising = 0
    participants = 0
    for session in web20_sessions():
        assert session.starts_at is not None
        assert session.ends_at is not None
        for enrolment in session.enrolments.select_related("provider"):
            participants += 1
            ratings = SelfAssessment.objects.filter(provider=enrolment.provider)
            before = ratings.filter(assessed_at__lt=session.starts_at)
            after = ratings.filter(assessed_at__gt=session.ends_at)
            assert set(before.values_list("competency__code", flat=True)) >= tools
            assert set(after.values_list("competency__code", flat=True)) >= tools
            first = {r.competency.code: r.level for r in before.select_related("competency")}
            then = {
                r.competency.code: r.level
                for r in after.select_related("competency").order_by("assessed_at")
            }
            rising += sum(then[code] for code in tools) > sum(first[code] for code in tools)
    assert participants == 40
    assert rising >= 0.9 * participants
    assert set(SelfAssessment.objects.values_list("level", flat=True)) <= {0, 1, 2, 3, 4}
    assert not SelfAssessment.objects.filter(assessed_at__gt=timezone.now()).exists()
    assert not Completion.objects.filter(completed_on__gt=timezone.localdate()).exists()
    assert SelfAssessment.objects.exclude(competency__code__in=tools).exists()


def test_one_demo_login_per_role_linked_to_the_demo_people(demo):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)

    trainer = User.objects.get(username="animatrice")
    assert trainer.role == Role.TRAINER
    assert trainer.trainer is not None
    assert trainer.trainer.is_facilitator
    assert trainer.trainer.sessions.filter(path__code="WEB20").exists()

    provider = User.objects.get(username="prestataire")
    assert provider.role == Role.PROVIDER
    assert provider.provider is not None
    assert provider.provider.enrolments.exists()
    assert provider.provider.completions.filter(outcome="completed").exists()
    assert provider.provider.self_assessments.count() >= 8
    progress = provider_progress(provider_id=provider.provider.pk)
    assert any(item["sessions"] for item in progress["recommendations"])

    partner = User.objects.get(username="centre-partenaire")
    assert partner.role == Role.PARTNER
    assert partner.partner_centre is not None
    assert partner.partner_centre.kind == "partner_centre"
    assert partner.partner_centre.sessions.filter(external_id="DEMO-W20-2023-1").exists()

    for user in (trainer, provider, partner):
        assert user.check_password("parcours-demo")
        assert user.is_active
        assert not user.is_staff
        assert not user.is_superuser


def test_sessions_are_keyed_by_their_demo_external_id(demo):
    ids = list(Session.objects.values_list("external_id", flat=True))
    assert all(external_id and external_id.startswith("DEMO-") for external_id in ids)
    assert len(set(ids)) == len(ids)
    assert all(
        timezone.localtime(slot.starts_at, PARIS).date() == timezone.localtime(slot.ends_at).date()
        for slot in SessionSlot.objects.all()
    )
    assert dt.date(2019, 1, 1) < min(
        s.starts_at.date() for s in Session.objects.all() if s.starts_at
    )
