"""Completions and the attendance sheet: recorded by the session's trainers, voided not edited."""

import pytest

from tests.api.documented import assert_documented
from tests.conftest import client_for
from tests.factories import (
    CompletionFactory,
    CoordinatorFactory,
    EnrolmentFactory,
    ModuleFactory,
    PathStepFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerUserFactory,
)
from training.models import Completion

URL = "/api/v1/completions/"


def held_session(trainer_user=None, **kwargs):  # type: ignore[no-untyped-def]
    trainers = [trainer_user.trainer] if trainer_user else []
    return SessionFactory(status="confirmed", trainers=trainers, **kwargs)


@pytest.mark.django_db
class TestAttendanceSheet:
    def test_the_trainer_records_the_whole_session(self):
        trainer = TrainerUserFactory()
        session = held_session(trainer)
        present, absent = EnrolmentFactory(session=session), EnrolmentFactory(session=session)
        module = session.module.pk
        response = client_for(trainer).post(
            f"/api/v1/sessions/{session.pk}/attendance/",
            {
                "completed_on": "2026-11-02",
                "records": [
                    {"provider": present.provider.pk, "module": module, "outcome": "completed"},
                    {"provider": absent.provider.pk, "module": module, "outcome": "absent"},
                ],
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert [r["result"] for r in response.json()["results"]] == ["created", "created"]
        rows = Completion.objects.order_by("provider_id").values_list(
            "provider_id", "outcome", "source", "recorded_by", "completed_on"
        )
        assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
            (present.provider.pk, "completed", "trainer", trainer.pk),
            (absent.provider.pk, "absent", "trainer", trainer.pk),
        ]

    def test_sending_the_sheet_again_corrects_by_voiding(self):
        trainer = TrainerUserFactory()
        session = held_session(trainer)
        enrolment = EnrolmentFactory(session=session)
        line = {"provider": enrolment.provider.pk, "module": session.module.pk}
        client = client_for(trainer)
        url = f"/api/v1/sessions/{session.pk}/attendance/"
        client.post(url, {"records": [{**line, "outcome": "attended"}]}, format="json")
        same = client.post(url, {"records": [{**line, "outcome": "attended"}]}, format="json")
        assert same.json()["results"][0]["result"] == "unchanged"
        fixed = client.post(url, {"records": [{**line, "outcome": "completed"}]}, format="json")
        assert fixed.json()["results"][0]["result"] == "replaced"
        old, new = Completion.objects.order_by("id")
        assert old.voided_at is not None
        assert old.void_reason == "corrected by attendance sheet"
        assert (new.outcome, new.voided_at) == ("completed", None)

    def test_another_trainer_cannot_record(self):
        session = held_session(TrainerUserFactory())
        enrolment = EnrolmentFactory(session=session)
        response = client_for(TrainerUserFactory()).post(
            f"/api/v1/sessions/{session.pk}/attendance/",
            {
                "records": [
                    {
                        "provider": enrolment.provider.pk,
                        "module": session.module.pk,
                        "outcome": "completed",
                    }
                ]
            },
            format="json",
        )
        assert response.status_code == 403
        assert not Completion.objects.exists()

    def test_only_enrolled_participants_and_taught_modules(self):
        trainer = TrainerUserFactory()
        session = held_session(trainer)
        stranger = ProviderUserFactory().provider
        enrolment = EnrolmentFactory(session=session)
        client = client_for(trainer)
        url = f"/api/v1/sessions/{session.pk}/attendance/"
        response = client.post(
            url,
            {
                "records": [
                    {"provider": stranger.pk, "module": session.module.pk, "outcome": "completed"}
                ]
            },
            format="json",
        )
        assert response.json()["errors"][0]["code"] == "not_enrolled"
        assert_documented(response, "/api/v1/sessions/{id}/attendance/", "post")
        response = client.post(
            url,
            {
                "records": [
                    {
                        "provider": enrolment.provider.pk,
                        "module": ModuleFactory().pk,
                        "outcome": "completed",
                    }
                ]
            },
            format="json",
        )
        assert response.json()["errors"][0]["code"] == "wrong_module"
        assert not Completion.objects.exists()

    def test_a_path_session_records_each_module_of_the_path(self):
        trainer = TrainerUserFactory()
        first = PathStepFactory()
        second = PathStepFactory(path=first.path)
        session = SessionFactory(
            module=None, path=first.path, status="confirmed", trainers=[trainer.trainer]
        )
        enrolment = EnrolmentFactory(session=session)
        provider = enrolment.provider.pk
        response = client_for(trainer).post(
            f"/api/v1/sessions/{session.pk}/attendance/",
            {
                "completed_on": "2026-11-02",
                "records": [
                    {"provider": provider, "module": first.module.pk, "outcome": "completed"},
                    {"provider": provider, "module": second.module.pk, "outcome": "absent"},
                ],
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert [(r["module"], r["result"]) for r in response.json()["results"]] == [
            (first.module.pk, "created"),
            (second.module.pk, "created"),
        ]
        rows = Completion.objects.order_by("id").values_list(
            "provider_id",
            "module_id",
            "session_id",
            "outcome",
            "source",
            "recorded_by",
            "completed_on",
            "voided_at",
        )
        assert [row[:6] for row in rows] == [
            (provider, first.module.pk, session.pk, "completed", "trainer", trainer.pk),
            (provider, second.module.pk, session.pk, "absent", "trainer", trainer.pk),
        ]
        assert {(str(row[6]), row[7]) for row in rows} == {("2026-11-02", None)}

    def test_an_open_session_is_not_yet_recordable(self):
        trainer = TrainerUserFactory()
        session = SessionFactory(status="open", trainers=[trainer.trainer])
        enrolment = EnrolmentFactory(session=session)
        response = client_for(trainer).post(
            f"/api/v1/sessions/{session.pk}/attendance/",
            {
                "records": [
                    {
                        "provider": enrolment.provider.pk,
                        "module": session.module.pk,
                        "outcome": "completed",
                    }
                ]
            },
            format="json",
        )
        assert response.json()["errors"][0]["code"] == "not_recordable"


@pytest.mark.django_db
class TestOneCompletion:
    def test_the_trainer_records_one_participant(self):
        trainer = TrainerUserFactory()
        session = held_session(trainer)
        enrolment = EnrolmentFactory(session=session)
        response = client_for(trainer).post(
            URL,
            {
                "provider": enrolment.provider.pk,
                "module": session.module.pk,
                "session": session.pk,
                "outcome": "completed",
                "recorded_by": 999,
                "source": "import",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        completion = Completion.objects.get()
        assert (completion.recorded_by, completion.source) == (trainer, "trainer")

    def test_a_second_live_record_is_refused(self):
        trainer = TrainerUserFactory()
        session = held_session(trainer)
        enrolment = EnrolmentFactory(session=session)
        body = {
            "provider": enrolment.provider.pk,
            "module": session.module.pk,
            "session": session.pk,
            "outcome": "completed",
        }
        client = client_for(trainer)
        assert client.post(URL, body, format="json").status_code == 201
        response = client.post(URL, body, format="json")
        assert response.json()["errors"][0]["code"] == "duplicate"
        assert_documented(response, "/api/v1/completions/", "post")

    def test_only_a_live_record_of_the_same_person_module_and_session_blocks_another(self):
        trainer = TrainerUserFactory()
        first = PathStepFactory()
        second = PathStepFactory(path=first.path)
        session = SessionFactory(
            module=None, path=first.path, status="confirmed", trainers=[trainer.trainer]
        )
        other_session = SessionFactory(
            module=None, path=first.path, status="confirmed", trainers=[trainer.trainer]
        )
        lea, tom = EnrolmentFactory(session=session), EnrolmentFactory(session=session)
        EnrolmentFactory(session=other_session, provider=lea.provider)
        client = client_for(trainer)

        def record(enrolment, module, in_session):  # type: ignore[no-untyped-def]
            body = {
                "provider": enrolment.provider.pk,
                "module": module.pk,
                "session": in_session.pk,
                "outcome": "completed",
            }
            return client.post(URL, body, format="json")

        kept = record(lea, first.module, session)
        assert kept.status_code == 201, kept.json()
        # Another person, another module, another session: each a record of its own.
        assert record(tom, first.module, session).status_code == 201
        assert record(lea, second.module, session).status_code == 201
        assert record(lea, first.module, other_session).status_code == 201
        again = record(lea, first.module, session)
        assert again.json()["errors"][0] == {
            "code": "duplicate",
            "detail": "An outcome is already recorded; void it to correct it.",
            "attr": "non_field_errors",
        }
        # Voided, it no longer stands in the way of the corrected record.
        voided = client_for(CoordinatorFactory()).post(
            f"{URL}{kept.json()['id']}/void/", {"reason": "Wrong outcome"}, format="json"
        )
        assert voided.status_code == 200
        assert record(lea, first.module, session).status_code == 201
        assert Completion.objects.filter(voided_at__isnull=True).count() == 4

    def test_a_future_date_is_refused(self):
        coordinator = client_for(CoordinatorFactory())
        response = coordinator.post(
            URL,
            {
                "provider": ProviderUserFactory().provider.pk,
                "module": ModuleFactory().pk,
                "completed_on": "2999-01-01",
                "outcome": "completed",
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "in_future"

    def test_providers_cannot_record(self):
        user = ProviderUserFactory()
        response = client_for(user).post(
            URL,
            {
                "provider": user.provider.pk,
                "module": ModuleFactory().pk,
                "outcome": "completed",
            },
            format="json",
        )
        assert response.status_code == 403


@pytest.mark.django_db
class TestVoiding:
    def test_a_coordinator_voids_with_a_reason(self):
        coordinator = CoordinatorFactory()
        completion = CompletionFactory()
        response = client_for(coordinator).post(
            f"{URL}{completion.pk}/void/", {"reason": "Wrong person"}, format="json"
        )
        assert response.status_code == 200
        completion.refresh_from_db()
        assert completion.voided_by == coordinator
        assert completion.void_reason == "Wrong person"
        assert response.json()["is_voided"] is True

    def test_voided_records_stay_listable_with_a_filter(self):
        live = CompletionFactory()
        voided = CompletionFactory(void_reason="x")
        Completion.objects.filter(pk=voided.pk).update(voided_at="2026-01-01T00:00:00Z")
        client = client_for(CoordinatorFactory())
        assert {c["id"] for c in client.get(URL).json()["results"]} == {live.pk, voided.pk}
        assert [c["id"] for c in client.get(URL, {"voided": "true"}).json()["results"]] == [
            voided.pk
        ]
        assert [c["id"] for c in client.get(URL, {"voided": "false"}).json()["results"]] == [
            live.pk
        ]

    def test_voiding_twice_is_refused(self):
        completion = CompletionFactory()
        client = client_for(CoordinatorFactory())
        client.post(f"{URL}{completion.pk}/void/", {"reason": "x"}, format="json")
        response = client.post(f"{URL}{completion.pk}/void/", {"reason": "y"}, format="json")
        assert response.json()["errors"][0]["code"] == "already_voided"

    def test_completions_cannot_be_edited_or_deleted(self):
        completion = CompletionFactory()
        client = client_for(CoordinatorFactory())
        assert (
            client.patch(f"{URL}{completion.pk}/", {"outcome": "absent"}, format="json").status_code
            == 405
        )
        assert client.delete(f"{URL}{completion.pk}/").status_code == 405

    def test_another_trainer_cannot_void(self):
        trainer = TrainerUserFactory()
        session = held_session(TrainerUserFactory())
        completion = CompletionFactory(session=session)
        response = client_for(trainer).post(
            f"{URL}{completion.pk}/void/", {"reason": "x"}, format="json"
        )
        assert response.status_code == 404  # not among the records this trainer may see
        completion.refresh_from_db()
        assert completion.voided_at is None

    def test_a_removed_login_leaves_its_records_unattributed(self):
        """The logins who recorded or voided a record have no index on completions; a
        login removed in a shell still leaves the records, with no one named."""
        coordinator = CoordinatorFactory()
        completion = CompletionFactory(recorded_by=coordinator)
        client_for(coordinator).post(f"{URL}{completion.pk}/void/", {"reason": "x"}, format="json")
        completion.refresh_from_db()
        assert completion.voided_by_id == coordinator.pk
        coordinator.delete()
        completion.refresh_from_db()
        assert (completion.recorded_by_id, completion.voided_by_id) == (None, None)
        assert completion.voided_at is not None
