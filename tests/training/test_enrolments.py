"""Enrolments: capacity, the waiting list, promotion, one active enrolment per provider."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from tests.conftest import client_for, on_postgres
from tests.factories import (
    CoordinatorFactory,
    EnrolmentFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
)
from training import services
from training.models import Enrolment, EnrolmentStatus, SessionStatus

URL = "/api/v1/enrolments/"


@pytest.mark.django_db
class TestEnrolling:
    def test_a_provider_enrols_themself(self):
        user = ProviderUserFactory()
        session = SessionFactory(capacity=2)
        response = client_for(user).post(
            URL, {"session": session.pk, "provider": user.provider.pk}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["status"] == "enrolled"
        assert response.json()["provider"] == user.provider.pk

    def test_a_provider_naming_another_provider_is_answered_as_an_unknown_id(self):
        user = ProviderUserFactory()
        other = ProviderFactory()
        session = SessionFactory()
        client = client_for(user)

        def enrol(provider_id: int) -> tuple[int, str]:
            body = {"session": session.pk, "provider": provider_id}
            response = client.post(URL, body, format="json")
            return response.status_code, str(response.json()).replace(str(provider_id), "ID")

        assert enrol(other.pk) == enrol(other.pk + 1000)
        assert enrol(other.pk)[0] == 400
        assert "does_not_exist" in enrol(other.pk)[1]
        assert not Enrolment.objects.exists()

    @pytest.mark.parametrize("started", [dt.timedelta(hours=1), dt.timedelta(days=40)])
    def test_a_session_that_has_started_takes_no_enrolment(self, started):
        session = SessionFactory(
            status="confirmed",
            starts_at=timezone.now() - started,
            ends_at=timezone.now() - started + dt.timedelta(hours=3),
        )
        by_provider = client_for(ProviderUserFactory()).post(
            URL, {"session": session.pk}, format="json"
        )
        by_coordinator = client_for(CoordinatorFactory()).post(
            URL, {"session": session.pk, "provider": ProviderFactory().pk}, format="json"
        )
        for response in (by_provider, by_coordinator):
            assert response.status_code == 400, response.json()
            assert response.json()["errors"][0]["code"] == "session_started"
        with pytest.raises(ValidationError):
            services.enrolment_create(session=session, provider=ProviderFactory(), actor=None)
        assert not Enrolment.objects.exists()

    def test_a_session_starting_later_today_still_takes_enrolments(self):
        session = SessionFactory(
            starts_at=timezone.now() + dt.timedelta(minutes=5),
            ends_at=timezone.now() + dt.timedelta(hours=3),
        )
        response = client_for(ProviderUserFactory()).post(
            URL, {"session": session.pk}, format="json"
        )
        assert response.status_code == 201, response.json()

    def test_past_capacity_a_provider_is_waitlisted_with_a_position(self):
        session = SessionFactory(capacity=1)
        EnrolmentFactory(session=session)
        first, second = ProviderUserFactory(), ProviderUserFactory()
        body1 = client_for(first).post(URL, {"session": session.pk}, format="json").json()
        body2 = client_for(second).post(URL, {"session": session.pk}, format="json").json()
        assert (body1["status"], body1["waitlist_position"]) == ("waitlisted", 1)
        assert (body2["status"], body2["waitlist_position"]) == ("waitlisted", 2)

    def test_a_coordinator_enrols_a_named_provider(self):
        provider = ProviderFactory()
        session = SessionFactory()
        response = client_for(CoordinatorFactory()).post(
            URL, {"session": session.pk, "provider": provider.pk}, format="json"
        )
        assert response.status_code == 201
        assert Enrolment.objects.get().provider == provider

    def test_a_coordinator_must_name_the_provider(self):
        response = client_for(CoordinatorFactory()).post(
            URL, {"session": SessionFactory().pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "provider"

    def test_enrolling_twice_is_refused(self):
        user = ProviderUserFactory()
        session = SessionFactory()
        client = client_for(user)
        assert client.post(URL, {"session": session.pk}, format="json").status_code == 201
        response = client.post(URL, {"session": session.pk}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "duplicate"
        assert Enrolment.objects.count() == 1

    @pytest.mark.parametrize("status", ["draft", "cancelled", "completed"])
    def test_only_open_or_confirmed_sessions_take_enrolments(self, status):
        session = SessionFactory(status=status, cancel_reason="x" if status == "cancelled" else "")
        coordinator = client_for(CoordinatorFactory())
        response = coordinator.post(
            URL, {"session": session.pk, "provider": ProviderFactory().pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "not_open"
        # To a provider, such a session is not visible at all: it does not exist for them.
        response = client_for(ProviderUserFactory()).post(
            URL, {"session": session.pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "does_not_exist"
        assert not Enrolment.objects.exists()

    def test_anonymous_cannot_enrol(self, anon):
        response = anon.post(URL, {"session": SessionFactory().pk}, format="json")
        assert response.status_code == 401


@pytest.mark.django_db
class TestCancelling:
    def test_a_freed_place_goes_to_the_first_on_the_waiting_list(self):
        session = SessionFactory(capacity=1)
        leaving_user = ProviderUserFactory()
        leaving = EnrolmentFactory(session=session, provider=leaving_user.provider)
        first = EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)
        second = EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)
        response = client_for(leaving_user).post(f"{URL}{leaving.pk}/cancel/")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == EnrolmentStatus.ENROLLED
        assert second.status == EnrolmentStatus.WAITLISTED
        body = client_for(CoordinatorFactory()).get(f"{URL}{second.pk}/").json()
        assert body["waitlist_position"] == 1

    def test_cancelling_a_waitlisted_enrolment_promotes_nobody(self):
        session = SessionFactory(capacity=1)
        enrolled = EnrolmentFactory(session=session)
        user = ProviderUserFactory()
        waiting = EnrolmentFactory(
            session=session, provider=user.provider, status=EnrolmentStatus.WAITLISTED
        )
        assert client_for(user).post(f"{URL}{waiting.pk}/cancel/").status_code == 200
        enrolled.refresh_from_db()
        assert enrolled.status == EnrolmentStatus.ENROLLED

    def test_a_provider_cannot_cancel_someone_elses_enrolment(self):
        enrolment = EnrolmentFactory()
        response = client_for(ProviderUserFactory()).post(f"{URL}{enrolment.pk}/cancel/")
        assert response.status_code == 404
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED

    def test_cancelling_twice_is_refused(self):
        user = ProviderUserFactory()
        enrolment = EnrolmentFactory(provider=user.provider)
        client = client_for(user)
        assert client.post(f"{URL}{enrolment.pk}/cancel/").status_code == 200
        response = client.post(f"{URL}{enrolment.pk}/cancel/")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "already_cancelled"

    @pytest.mark.parametrize("status", ["cancelled", "completed"])
    def test_an_enrolment_of_a_closed_session_cannot_be_cancelled(self, status):
        session = SessionFactory(status=status, cancel_reason="x" if status == "cancelled" else "")
        enrolment = EnrolmentFactory(session=session)
        response = client_for(CoordinatorFactory()).post(f"{URL}{enrolment.pk}/cancel/")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "not_open"
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.cancelled_at) == (EnrolmentStatus.ENROLLED, None)

    def test_after_cancelling_the_provider_may_enrol_again(self):
        user = ProviderUserFactory()
        enrolment = EnrolmentFactory(provider=user.provider)
        client = client_for(user)
        client.post(f"{URL}{enrolment.pk}/cancel/")
        response = client.post(URL, {"session": enrolment.session.pk}, format="json")
        assert response.status_code == 201


@pytest.mark.django_db
class TestDatabaseGuards:
    def test_one_active_enrolment_per_provider_and_session(self):
        enrolment = EnrolmentFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            EnrolmentFactory(
                session=enrolment.session,
                provider=enrolment.provider,
                status=EnrolmentStatus.WAITLISTED,
            )
        EnrolmentFactory(
            session=enrolment.session, provider=enrolment.provider, status=EnrolmentStatus.CANCELLED
        )

    def test_the_database_refuses_an_enrolment_past_capacity(self):
        session = SessionFactory(capacity=1)
        EnrolmentFactory(session=session)
        with pytest.raises(IntegrityError), transaction.atomic():
            EnrolmentFactory(session=session)
        waiting = EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)
        with pytest.raises(IntegrityError), transaction.atomic():
            Enrolment.objects.filter(pk=waiting.pk).update(status=EnrolmentStatus.ENROLLED)

    def test_the_capacity_cannot_drop_below_the_enrolled(self):
        session = SessionFactory(capacity=2)
        EnrolmentFactory.create_batch(2, session=session)
        with pytest.raises(IntegrityError), transaction.atomic():
            type(session).objects.filter(pk=session.pk).update(capacity=1)


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_enrolments_fill_twelve_places_and_queue_the_rest():
    """On PostgreSQL (the suite's second CI run), real concurrent transactions."""
    if not on_postgres():
        pytest.skip("Concurrent transactions are proven on PostgreSQL (CI's second run).")
    session = SessionFactory(capacity=12, status=SessionStatus.OPEN)
    providers = ProviderFactory.create_batch(30)
    coordinator = CoordinatorFactory()
    barrier = threading.Barrier(30)
    arrival: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def enrol(provider_id: int) -> None:
        try:
            barrier.wait()
            from people.models import Provider

            enrolment = services.enrolment_create(
                session=session, provider=Provider.objects.get(pk=provider_id), actor=coordinator
            )
            with lock:
                arrival.append(enrolment.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(p.pk,)) for p in providers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    enrolments = list(Enrolment.objects.filter(session=session).order_by("id"))
    statuses = [e.status for e in enrolments]
    assert statuses.count(EnrolmentStatus.ENROLLED) == 12
    assert statuses.count(EnrolmentStatus.WAITLISTED) == 18
    # Places went to the first twelve to get the lock, the waiting list follows the rest.
    assert statuses == [EnrolmentStatus.ENROLLED] * 12 + [EnrolmentStatus.WAITLISTED] * 18
    assert sorted(arrival) == [e.pk for e in enrolments]
