"""Every write to the audited records leaves who, when and what changed; the trail is
append-only in the database; coordinators read it."""

import pytest
from django.db import transaction
from django.db.utils import DatabaseError

from audit.models import AuditEvent
from progress.models import SelfAssessment
from tests.conftest import client_for, on_postgres
from tests.factories import (
    CompetencyFactory,
    CoordinatorFactory,
    PartnerCentreFactory,
    ProviderUserFactory,
    SessionFactory,
)
from training.models import Completion, Enrolment


def events(record_type: str, record_id: int) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(record_type=record_type, record_id=record_id).order_by("id")
    )


@pytest.mark.django_db
class TestTrail:
    def test_a_session_changed_through_the_api_names_who_and_what(self):
        coordinator = CoordinatorFactory(username="claire")
        session = SessionFactory(status="draft", venue="Salle A")
        response = client_for(coordinator).patch(
            f"/api/v1/sessions/{session.pk}/", {"venue": "Salle B"}, format="json"
        )
        assert response.status_code == 200
        created, updated = events("training.session", session.pk)[:2]
        assert created.action == "created"
        assert created.changes["venue"] == "Salle A"
        assert (updated.action, updated.actor, updated.actor_id) == (
            "updated",
            "claire",
            coordinator.pk,
        )
        assert updated.changes == {"venue": ["Salle A", "Salle B"]}

    def test_a_self_assessment_and_a_voided_completion_are_recorded(self):
        provider_user = ProviderUserFactory(username="yann")
        competency = CompetencyFactory()
        response = client_for(provider_user).post(
            "/api/v1/self-assessments/",
            {"competency": competency.pk, "level": 2, "comment": "Bien"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        rating = SelfAssessment.objects.get()
        (event,) = events("progress.selfassessment", rating.pk)
        assert (event.action, event.actor, event.changes["level"]) == ("created", "yann", 2)

        coordinator = CoordinatorFactory()
        record = Completion.objects.create(
            provider=provider_user.provider,
            module=SessionFactory().module,
            completed_on="2026-11-02",
            outcome="completed",
            source="trainer",
        )
        voided = client_for(coordinator).post(
            f"/api/v1/completions/{record.pk}/void/", {"reason": "typo"}, format="json"
        )
        assert voided.status_code == 200, voided.json()
        last = events("training.completion", record.pk)[-1]
        assert last.action == "updated"
        assert last.actor_id == coordinator.pk
        assert set(last.changes) >= {"voided_at", "voided_by_id", "void_reason"}

    def test_enrolling_cancelling_and_the_promotion_it_makes_are_recorded(self):
        session = SessionFactory(capacity=1)
        yann, nolwenn = ProviderUserFactory(username="yann"), ProviderUserFactory()
        for user in (yann, nolwenn):
            response = client_for(user).post(
                "/api/v1/enrolments/", {"session": session.pk}, format="json"
            )
            assert response.status_code == 201, response.json()
        first, second = Enrolment.objects.order_by("id")
        (created,) = events("training.enrolment", first.pk)
        assert (created.action, created.actor, created.actor_id) == ("created", "yann", yann.pk)
        assert (created.changes["session_id"], created.changes["provider_id"]) == (
            session.pk,
            yann.provider.pk,
        )
        assert created.changes["status"] == "enrolled"
        assert events("training.enrolment", second.pk)[0].changes["status"] == "waitlisted"

        response = client_for(yann).post(f"/api/v1/enrolments/{first.pk}/cancel/")
        assert response.status_code == 200, response.json()
        cancelled = events("training.enrolment", first.pk)[-1]
        assert (cancelled.action, cancelled.actor_id) == ("updated", yann.pk)
        assert set(cancelled.changes) == {"status", "cancelled_at"}
        assert cancelled.changes["status"] == ["enrolled", "cancelled"]
        assert cancelled.changes["cancelled_at"][0] is None
        promoted = events("training.enrolment", second.pk)[-1]
        assert (promoted.action, promoted.actor_id) == ("updated", yann.pk)
        assert promoted.changes == {"status": ["waitlisted", "enrolled"]}

    def test_a_partner_client_created_and_revoked_is_recorded_without_its_secret(self):
        coordinator = CoordinatorFactory(username="claire")
        centre = PartnerCentreFactory()
        client = client_for(coordinator)
        created = client.post(
            "/api/v1/partner-clients/",
            {"partner_centre": centre.pk, "name": "Logiciel de gestion"},
            format="json",
        )
        assert created.status_code == 201, created.json()
        record_id = created.json()["id"]
        (event,) = events("integrations.partnerclient", record_id)
        assert (event.action, event.actor, event.actor_id) == ("created", "claire", coordinator.pk)
        assert (event.changes["partner_centre_id"], event.changes["name"]) == (
            centre.pk,
            "Logiciel de gestion",
        )
        assert event.changes["revoked_at"] is None
        assert created.json()["client_secret"] not in str(event.changes)

        revoked = client.post(f"/api/v1/partner-clients/{record_id}/revoke/")
        assert revoked.status_code == 200, revoked.json()
        last = events("integrations.partnerclient", record_id)[-1]
        assert (last.action, last.actor_id) == ("updated", coordinator.pk)
        assert set(last.changes) == {"revoked_at"}
        assert last.changes["revoked_at"][0] is None
        assert last.changes["revoked_at"][1] is not None

    def test_a_password_change_is_recorded_without_the_password(self):
        user = ProviderUserFactory()
        user.set_password("Another-horse-battery-7")
        user.save()
        last = events("accounts.user", user.pk)[-1]
        # The change revoked every token of the login: a generation up.
        assert last.changes == {"password": ["(set)", "(changed)"], "token_generation": [0, 1]}
        assert "Another-horse" not in str(last.changes)

    def test_a_record_removed_leaves_its_last_values_in_the_trail(self):
        from tests.factories import EnrolmentFactory

        enrolment = EnrolmentFactory()
        pk, session_id = enrolment.pk, enrolment.session_id
        enrolment.delete()
        removed = events("training.enrolment", pk)[-1]
        assert removed.action == "deleted"
        assert removed.changes["session_id"] == session_id
        assert removed.changes["status"] == "enrolled"

    def test_the_database_refuses_to_change_or_delete_an_event(self):
        SessionFactory()
        event = AuditEvent.objects.first()
        assert event is not None
        attempts = [lambda: AuditEvent.objects.filter(pk=event.pk).update(actor="someone else")]
        if on_postgres():  # SQLite keeps DELETE for emptying test databases
            attempts.append(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
        for attempt in attempts:
            with pytest.raises(DatabaseError), transaction.atomic():
                attempt()
        assert AuditEvent.objects.get(pk=event.pk).actor == event.actor


@pytest.mark.django_db
class TestReading:
    def test_coordinators_read_and_filter_the_trail(self):
        session = SessionFactory(status="draft")
        SessionFactory()
        client = client_for(CoordinatorFactory())
        body = client.get(
            "/api/v1/audit/", {"record_type": "training.session", "record_id": session.pk}
        ).json()
        assert [e["record_id"] for e in body["results"]] == [session.pk]
        one = client.get(f"/api/v1/audit/{body['results'][0]['id']}/")
        assert one.status_code == 200
        assert one.json()["action"] == "created"

    def test_no_one_else_reads_it(self):
        SessionFactory()
        assert client_for(ProviderUserFactory()).get("/api/v1/audit/").status_code == 403


@pytest.mark.django_db
def test_a_bulk_replacement_records_its_voids_like_single_ones():
    from django.utils import timezone

    from training import services as training
    from training.models import Completion as Record

    old = Record.objects.create(
        provider=ProviderUserFactory().provider,
        module=SessionFactory().module,
        completed_on="2026-11-02",
        outcome="completed",
        source="partner",
    )
    new = Record(
        provider=old.provider,
        module=old.module,
        completed_on=timezone.localdate(),
        outcome="attended",
        source="partner",
    )
    training.completions_replace(voids=[old], records=[new], reason="corrected", actor=None)
    voided = events("training.completion", old.pk)[-1]
    assert voided.action == "updated"
    assert voided.changes["void_reason"] == ["", "corrected"]
    assert voided.changes["voided_at"][0] is None
    assert voided.changes["voided_by_id"] == [None, None]
    created = events("training.completion", new.pk)[-1]
    assert created.action == "created"
    # The same values as a record created alone, in the same form.
    alone = events("training.completion", old.pk)[0]
    assert alone.action == "created"
    assert set(created.changes) == set(alone.changes)
    assert created.changes["id"] == new.pk
    assert created.changes["outcome"] == "attended"
    assert created.changes["completed_on"] == timezone.localdate().isoformat()
    assert created.changes["provider_id"] == alone.changes["provider_id"] == old.provider_id
    assert created.changes["voided_at"] is None
