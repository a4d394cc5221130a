"""Sessions: scheduling, the lifecycle, the daily decision, who sees what."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.api.documented import assert_documented
from tests.conftest import client_for
from tests.factories import (
    CoordinatorFactory,
    EnrolmentFactory,
    LearningPathFactory,
    ModuleFactory,
    OrganisationFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerFactory,
    TrainerUserFactory,
)
from training.models import Session, SessionStatus
from training.services import NOT_ENOUGH_PARTICIPANTS

URL = "/api/v1/sessions/"


def payload(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "module": ModuleFactory().pk,
        "organiser": OrganisationFactory().pk,
        "venue": "Salle des fêtes",
        "commune": "Paimpol",
        "slots": [
            {"starts_at": "2027-03-02T09:00:00+01:00", "ends_at": "2027-03-02T12:00:00+01:00"},
            {"starts_at": "2027-03-09T09:00:00+01:00", "ends_at": "2027-03-09T12:00:00+01:00"},
        ],
        "capacity": 12,
        "min_participants": 5,
        "decision_date": "2027-02-20",
        "price": 40,
        "funding": "paid",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestScheduling:
    def test_a_coordinator_schedules_a_draft_with_slots_and_trainers(self):
        trainer = TrainerFactory()
        response = client_for(CoordinatorFactory()).post(
            URL, payload(trainers=[trainer.pk], status="confirmed"), format="json"
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "draft"  # status is set by actions only
        assert body["starts_at"].startswith("2027-03-02T09:00:00")
        assert body["ends_at"].startswith("2027-03-09T12:00:00")
        assert body["places_left"] == 12
        session = Session.objects.get()
        assert list(session.trainers.all()) == [trainer]
        assert session.slots.count() == 2

    def test_an_update_replaces_the_trainers_and_the_slots(self):
        first, second = TrainerFactory(), TrainerFactory()
        client = client_for(CoordinatorFactory())
        created = client.post(URL, payload(trainers=[first.pk]), format="json")
        assert created.status_code == 201, created.json()
        starts = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
        slot = {
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
        }
        response = client.patch(
            f"{URL}{created.json()['id']}/",
            {"trainers": [second.pk], "slots": [slot]},
            format="json",
        )
        assert response.status_code == 200, response.json()
        session = Session.objects.get()
        assert list(session.trainers.all()) == [second]
        assert list(session.slots.values_list("starts_at", "ends_at")) == [
            (starts, starts + dt.timedelta(hours=2))
        ]

    def test_a_session_is_a_module_or_a_path_not_both(self):
        both = payload(path=LearningPathFactory().pk)
        response = client_for(CoordinatorFactory()).post(URL, both, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "module_or_path"
        neither = payload(module=None)
        response = client_for(CoordinatorFactory()).post(URL, neither, format="json")
        assert response.status_code == 400

    def test_the_database_holds_module_xor_path_and_minimum_within_capacity(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionFactory(module=None)
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionFactory(capacity=3, min_participants=4)

    def test_a_minimum_above_capacity_is_refused(self):
        response = client_for(CoordinatorFactory()).post(
            URL, payload(capacity=3, min_participants=4), format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "min_participants"

    def test_a_slot_ending_before_it_starts_is_refused(self):
        slots = [{"starts_at": "2027-03-02T12:00:00+01:00", "ends_at": "2027-03-02T09:00:00+01:00"}]
        response = client_for(CoordinatorFactory()).post(URL, payload(slots=slots), format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "slots.0.ends_at"

    def test_external_ids_are_unique_per_organiser(self):
        organiser = OrganisationFactory()
        SessionFactory(organiser=organiser, external_id="S-1")
        response = client_for(CoordinatorFactory()).post(
            URL, payload(organiser=organiser.pk, external_id="S-1"), format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "unique"
        other = client_for(CoordinatorFactory()).post(
            URL, payload(external_id="S-1"), format="json"
        )
        assert other.status_code == 201

    def test_the_capacity_cannot_drop_below_the_enrolled(self):
        session = SessionFactory(capacity=3)
        EnrolmentFactory.create_batch(2, session=session)
        response = client_for(CoordinatorFactory()).patch(
            f"{URL}{session.pk}/", {"capacity": 1}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "below_enrolled"

    def test_providers_cannot_schedule(self):
        response = client_for(ProviderUserFactory()).post(URL, payload(), format="json")
        assert response.status_code == 403
        assert not Session.objects.exists()


@pytest.mark.django_db
class TestDocumentedAnswers:
    @pytest.mark.parametrize(
        ("status", "action"),
        [
            ("completed", "open"),
            ("draft", "confirm"),
            ("completed", "cancel"),
            ("open", "complete"),
        ],
    )
    def test_a_refused_transition_is_answered_as_documented(self, status, action):
        session = SessionFactory(status=status, cancel_reason="")
        client = client_for(CoordinatorFactory())
        response = client.post(f"{URL}{session.pk}/{action}/", {"reason": "Storm"}, format="json")
        assert response.status_code == 400
        assert [e["code"] for e in response.json()["errors"]] == ["invalid_transition"]
        assert_documented(response, f"/api/v1/sessions/{{id}}/{action}/", "post")

    @pytest.mark.parametrize("status", ["draft", "open", "confirmed", "completed"])
    def test_a_session_not_cancelled_is_answered_as_documented(self, status):
        session = SessionFactory(status=status)
        client = client_for(CoordinatorFactory())
        response = client.get(f"{URL}{session.pk}/")
        assert response.json()["cancel_cause"] == ""
        assert_documented(response, "/api/v1/sessions/{id}/", "get")
        assert_documented(client.get(URL), "/api/v1/sessions/", "get")

    def test_a_cancelled_session_is_answered_as_documented(self):
        session = SessionFactory()
        client = client_for(CoordinatorFactory())
        response = client.post(f"{URL}{session.pk}/cancel/", {"reason": "Storm"}, format="json")
        assert response.json()["cancel_cause"] == "other"
        assert_documented(response, "/api/v1/sessions/{id}/cancel/", "post")


@pytest.mark.django_db
class TestLifecycle:
    def test_draft_open_confirm_complete(self):
        session = SessionFactory(status=SessionStatus.DRAFT)
        client = client_for(CoordinatorFactory())
        for action, status in [
            ("open", "open"),
            ("confirm", "confirmed"),
            ("complete", "completed"),
        ]:
            response = client.post(f"{URL}{session.pk}/{action}/")
            assert response.status_code == 200, response.json()
            assert response.json()["status"] == status

    def test_cancel_needs_a_reason_and_keeps_it(self):
        session = SessionFactory()
        client = client_for(CoordinatorFactory())
        assert client.post(f"{URL}{session.pk}/cancel/", {}, format="json").status_code == 400
        response = client.post(
            f"{URL}{session.pk}/cancel/", {"reason": "Trainer ill"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["cancel_reason"] == "Trainer ill"
        assert response.json()["cancel_cause"] == "other"

    def test_cancel_records_its_cause_for_reports(self):
        session = SessionFactory()
        client = client_for(CoordinatorFactory())
        url = f"{URL}{session.pk}/cancel/"
        refused = client.post(url, {"reason": "Storm", "cause": "hail"}, format="json")
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["attr"] == "cause"
        response = client.post(url, {"reason": "Storm", "cause": "weather"}, format="json")
        assert response.status_code == 200
        session.refresh_from_db()
        assert (session.status, session.cancel_cause) == ("cancelled", "weather")

    def test_the_database_holds_cause_and_status_together(self):
        session = SessionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.filter(pk=session.pk).update(cancel_cause="weather")
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.filter(pk=session.pk).update(
                status="cancelled", cancel_reason="x", cancel_cause="meteor"
            )

    @pytest.mark.parametrize(
        ("status", "action"),
        [
            ("draft", "confirm"),
            ("draft", "complete"),
            ("open", "complete"),
            ("completed", "open"),
            ("cancelled", "open"),
            ("confirmed", "open"),
        ],
    )
    def test_other_transitions_are_refused(self, status, action):
        session = SessionFactory(status=status, cancel_reason="x" if status == "cancelled" else "")
        response = client_for(CoordinatorFactory()).post(f"{URL}{session.pk}/{action}/")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_transition"
        session.refresh_from_db()
        assert session.status == status

    def test_only_coordinators_decide(self):
        session = SessionFactory()
        user = TrainerUserFactory()
        session.trainers.add(user.trainer)
        assert client_for(user).post(f"{URL}{session.pk}/confirm/").status_code == 403


@pytest.mark.django_db
class TestDailyDecision:
    def test_short_sessions_are_cancelled_and_the_others_confirmed(self):
        today = dt.date(2027, 2, 20)
        short = SessionFactory(min_participants=3, decision_date=today)
        EnrolmentFactory.create_batch(2, session=short)
        enough = SessionFactory(min_participants=2, decision_date=today - dt.timedelta(days=1))
        EnrolmentFactory.create_batch(2, session=enough)
        later = SessionFactory(min_participants=3, decision_date=today + dt.timedelta(days=1))
        draft = SessionFactory(status=SessionStatus.DRAFT, min_participants=3, decision_date=today)
        also_short = SessionFactory(min_participants=1, decision_date=today)
        also_enough = SessionFactory(min_participants=1, decision_date=today)
        EnrolmentFactory(session=also_enough)
        out = StringIO()
        call_command("decide_sessions", "--today", "2027-02-20", stdout=out)
        assert out.getvalue() == "Decided sessions due by 2027-02-20: 2 confirmed, 2 cancelled.\n"
        assert Session.objects.get(pk=also_short.pk).status == "cancelled"
        assert Session.objects.get(pk=also_enough.pk).status == "confirmed"
        short.refresh_from_db()
        enough.refresh_from_db()
        later.refresh_from_db()
        draft.refresh_from_db()
        assert (short.status, short.cancel_reason) == ("cancelled", NOT_ENOUGH_PARTICIPANTS)
        assert short.cancel_cause == "too_few_participants"
        assert enough.status == "confirmed"
        assert later.status == "open"
        assert draft.status == "draft"

    def test_waitlisted_providers_do_not_count_towards_the_minimum(self):
        session = SessionFactory(capacity=2, min_participants=2, decision_date=dt.date(2027, 1, 1))
        EnrolmentFactory(session=session)
        EnrolmentFactory(session=session, status="waitlisted")
        EnrolmentFactory(session=session, status="cancelled")
        call_command("decide_sessions", "--today", "2027-01-01", stdout=StringIO())
        session.refresh_from_db()
        assert session.status == "cancelled"


@pytest.mark.django_db
class TestVisibility:
    def test_anonymous_sees_open_and_confirmed_sessions_only(self, anon):
        visible = {SessionFactory(status="open").pk, SessionFactory(status="confirmed").pk}
        SessionFactory(status="draft")
        SessionFactory(status="completed")
        ids = {s["id"] for s in anon.get(URL).json()["results"]}
        assert ids == visible

    def test_a_provider_also_sees_past_sessions_they_attended(self):
        user = ProviderUserFactory()
        past = SessionFactory(status="completed")
        EnrolmentFactory(session=past, provider=user.provider)
        SessionFactory(status="completed")
        ids = {s["id"] for s in client_for(user).get(URL).json()["results"]}
        assert ids == {past.pk}

    def test_a_trainer_also_sees_drafts_they_train(self):
        user = TrainerUserFactory()
        mine = SessionFactory(status="draft", trainers=[user.trainer])
        SessionFactory(status="draft")
        ids = {s["id"] for s in client_for(user).get(URL).json()["results"]}
        assert ids == {mine.pk}

    def test_a_draft_is_a_404_for_anonymous(self, anon):
        draft = SessionFactory(status="draft")
        assert anon.get(f"{URL}{draft.pk}/").status_code == 404

    def test_list_queries_do_not_grow_with_sessions(self, anon):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert anon.get(URL, {"page_size": 100}).status_code == 200
            return len(ctx)

        for _ in range(3):
            EnrolmentFactory(session=SessionFactory(trainers=[TrainerFactory()]))
        few = count()
        for _ in range(20):
            EnrolmentFactory(session=SessionFactory(trainers=[TrainerFactory()]))
        assert count() == few


@pytest.mark.django_db
def test_the_daily_decision_can_be_queued_for_the_worker():
    from training.tasks import decide_sessions_task

    session = SessionFactory(min_participants=1, decision_date=dt.date(2027, 1, 1))
    out = StringIO()
    call_command("decide_sessions", "--today", "2027-01-01", "--enqueue", stdout=out)
    assert "Queued" in out.getvalue()
    session.refresh_from_db()
    assert session.status == "open"  # queued, not yet run
    assert decide_sessions_task.call("2027-01-01") == {"confirmed": 0, "cancelled": 1}
    session.refresh_from_db()
    assert session.status == "cancelled"


@pytest.mark.django_db
def test_head_counts_are_right_whoever_reads_them():
    trainer = TrainerUserFactory()
    session = SessionFactory(trainers=[trainer.trainer, TrainerFactory(), TrainerFactory()])
    EnrolmentFactory.create_batch(3, session=session)
    EnrolmentFactory(session=session, status="waitlisted")
    for client in (client_for(trainer), client_for(CoordinatorFactory())):
        body = client.get(f"{URL}{session.pk}/").json()
        assert (body["enrolled_count"], body["waitlisted_count"], body["places_left"]) == (3, 1, 9)
        listed = client.get(URL).json()["results"]
        assert [s["enrolled_count"] for s in listed] == [3]
