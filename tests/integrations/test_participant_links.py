"""A partner centre's participants: a pushed e-mail that is already a provider's grants the
centre nothing until that provider (or a coordinator) confirms the link."""

import datetime as dt

import pytest
from django.utils import timezone

from integrations.models import Participant
from progress.models import SelfAssessment
from tests.conftest import client_for
from tests.factories import (
    CompetencyFactory,
    CoordinatorFactory,
    ModuleFactory,
    PartnerUserFactory,
    ProviderUserFactory,
    SessionFactory,
)
from training.models import Completion, Enrolment

ENROL = "/api/v1/enrolments/bulk/"
COMPLETE = "/api/v1/completions/bulk/"
LINKS = "/api/v1/participant-links/"


def enrol_item(email: str, n: int = 1, session: str = "S-1") -> dict[str, object]:
    return {
        "external_id": f"E-{n}",
        "session": session,
        "participant": {
            "external_id": f"P-{n}",
            "email": email,
            "first_name": "Prénom",
            "last_name": "Nom",
        },
    }


def completion_item(n: int = 1) -> dict[str, object]:
    return {
        "external_id": f"C-{n}",
        "session": "S-1",
        "participant": f"P-{n}",
        "module": "WS-FB",
        "outcome": "completed",
    }


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    partner = PartnerUserFactory()
    session = SessionFactory(
        organiser=partner.partner_centre,
        module=ModuleFactory(code="WS-FB"),
        external_id="S-1",
        status="confirmed",
    )
    provider_user = ProviderUserFactory(
        provider__email="Known@Example.org", provider__shares_progress_with_partners=True
    )
    provider = provider_user.provider
    SelfAssessment.objects.create(
        provider=provider, competency=CompetencyFactory(), level=2, assessed_at=timezone.now()
    )
    return {
        "centre": client_for(partner),
        "partner": partner,
        "session": session,
        "provider": provider,
        "provider_client": client_for(provider_user),
    }


def centre_reach(world) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What the centre can read of the provider, and write for them."""
    centre, provider = world["centre"], world["provider"]
    ratings = centre.get("/api/v1/self-assessments/").json()["results"]
    pushed = centre.post(COMPLETE, {"items": [completion_item()]}, format="json").json()
    return {
        "profile": centre.get(f"/api/v1/providers/{provider.pk}/").status_code,
        "progress": centre.get(f"/api/v1/providers/{provider.pk}/progress/").status_code,
        "ratings": [r["provider"] for r in ratings],
        "evidence": (pushed["results"][0]["result"], pushed["results"][0].get("code")),
    }


def test_a_pushed_email_of_a_provider_grants_the_centre_nothing_until_confirmed(world):
    centre = world["centre"]
    pushed = centre.post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    assert pushed.status_code == 200
    result = pushed.json()["results"][0]
    assert (result["result"], result["code"], result["field"]) == (
        "error",
        "participant_pending",
        "participant.email",
    )
    assert not Enrolment.objects.exists()
    link = Participant.objects.get()
    assert (link.provider, link.status) == (world["provider"], "pending")
    assert centre_reach(world) == {
        "profile": 404,
        "progress": 404,
        "ratings": [],
        "evidence": ("error", "participant_pending"),
    }
    assert not Completion.objects.exists()
    # Pushed again before the provider answers: still pending, still nothing.
    again = centre.post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    assert again.json()["results"][0]["code"] == "participant_pending"
    assert Participant.objects.count() == 1
    assert not Enrolment.objects.exists()


def test_once_the_provider_confirms_the_centre_enrols_and_records_for_them(world):
    centre = world["centre"]
    centre.post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    mine = world["provider_client"].get(LINKS).json()["results"]
    assert [(link["partner_centre"], link["status"]) for link in mine] == [
        (world["partner"].partner_centre_id, "pending")
    ]
    confirmed = world["provider_client"].post(f"{LINKS}{mine[0]['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "confirmed"
    again = centre.post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    assert again.json()["results"][0]["result"] == "created"
    assert centre_reach(world) == {
        "profile": 200,
        "progress": 200,
        "ratings": [world["provider"].pk],
        "evidence": ("created", None),
    }


def test_a_coordinator_may_confirm_and_a_refused_link_keeps_the_centre_out(world):
    centre = world["centre"]
    centre.post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    link = Participant.objects.get()
    refused = world["provider_client"].post(f"{LINKS}{link.pk}/refuse/")
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused"
    pushed = centre.post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    assert pushed.json()["results"][0]["code"] == "participant_refused"
    renamed = centre.post(ENROL, {"items": [enrol_item("known@example.org", n=2)]}, format="json")
    assert renamed.json()["results"][0]["code"] == "participant_conflict"
    assert centre_reach(world)["profile"] == 404
    # A decided link is not decided again.
    office = CoordinatorFactory()
    coordinator = client_for(office)
    twice = coordinator.post(f"{LINKS}{link.pk}/confirm/")
    assert twice.status_code == 400
    assert twice.json()["errors"][0]["code"] == "already_decided"
    # A coordinator confirms another centre's pending link.
    other = PartnerUserFactory()
    SessionFactory(organiser=other.partner_centre, external_id="S-1")
    client_for(other).post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    pending = Participant.objects.get(partner_centre=other.partner_centre)
    confirmed = coordinator.post(f"{LINKS}{pending.pk}/confirm/")
    assert confirmed.status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.decided_at is not None) == ("confirmed", True)
    assert pending.decided_by == office


def test_a_provider_sees_and_decides_only_their_own_links(world):
    world["centre"].post(ENROL, {"items": [enrol_item("known@example.org")]}, format="json")
    link = Participant.objects.get()
    stranger = client_for(ProviderUserFactory())
    assert stranger.get(LINKS).json()["results"] == []
    assert stranger.get(f"{LINKS}{link.pk}/").status_code == 404
    assert stranger.post(f"{LINKS}{link.pk}/confirm/").status_code == 404
    assert world["centre"].post(f"{LINKS}{link.pk}/confirm/").status_code == 403
    link.refresh_from_db()
    assert link.status == "pending"


def test_a_new_email_is_a_new_provider_the_centre_works_with_at_once(world):
    pushed = world["centre"].post(ENROL, {"items": [enrol_item("new@example.org")]}, format="json")
    assert pushed.json()["results"][0]["result"] == "created"
    link = Participant.objects.get()
    assert (link.provider.email, link.status) == ("new@example.org", "confirmed")
    assert Enrolment.objects.get().provider == link.provider


def test_a_session_that_has_started_takes_no_pushed_enrolment(world):
    world["session"].starts_at = timezone.now() - dt.timedelta(hours=1)
    world["session"].save()
    pushed = world["centre"].post(ENROL, {"items": [enrol_item("new@example.org")]}, format="json")
    result = pushed.json()["results"][0]
    assert (result["result"], result["code"]) == ("error", "session_started")
    assert not Enrolment.objects.exists()
