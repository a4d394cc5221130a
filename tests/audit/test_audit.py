"""Every write to the audited records leaves who, when and what changed; the trail is
append-only in the database; coordinators read it."""

import pytest
from audit.models import AuditEvent
from django.db import transaction
from django.db.utils import DatabaseError

from progress.models import SelfAssessment
from tests.conftest import client_for, on_postgres
from tests.factories import (
    CompetencyFactory,
    CoordinatorFactory,
    ProviderUserFactory,
    SessionFactory,
)
from training.models import Completion


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

    def test_a_password_change_is_recorded_without_the_password(self):
        user = ProviderUserFactory()
        user.set_password("Another-horse-battery-7")
        user.save()
        last = events("accounts.user", user.pk)[-1]
        # The change revoked every token of the login: a generation up.
        assert last.changes == {"password": ["(set)", "(changed)"], "token_generation": [0, 1]}
        assert "Another-horse" not in str(last.changes)

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
