"""docs/examples/partner_sync.py runs against a live server, as a partner would run it."""

import hashlib
import hmac
import importlib.util
import time
from pathlib import Path
from types import ModuleType

import pytest

from integrations.services import partner_client_create
from tests.factories import ModuleFactory, PartnerCentreFactory
from training.models import Completion, Enrolment, Session

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "partner_sync.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("partner_sync", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_partner_example_syncs_a_session_end_to_end(live_server):
    centre = PartnerCentreFactory()
    ModuleFactory(code="WS-INSTAGRAM")
    client, secret = partner_client_create(partner_centre=centre, name="Exemple", actor=None)
    example = load_example()
    outcome = example.main(live_server.url, client.application.client_id, secret)
    assert [r["result"] for r in outcome["enrolments"]["results"]] == ["created"] * 12
    assert outcome["retry"]["replayed"] is True
    assert outcome["retry"]["results"] == outcome["enrolments"]["results"]
    assert [r["result"] for r in outcome["completions"]] == ["created"] * 12
    session = Session.objects.get(organiser=centre, external_id="CFL-2027-INSTA-1")
    assert session.status == "confirmed"
    assert Enrolment.objects.filter(session=session, status="enrolled").count() == 12
    assert Completion.objects.filter(session=session, source="partner").count() == 12
    assert len(outcome["feed"]) == 12


def test_the_example_verifies_signatures_like_parcours_signs_them():
    from integrations.webhooks import sign

    example = load_example()
    body = b'{"event":"session.confirmed"}'
    header = sign("secret-secret-secret", int(time.time()), body)
    assert example.verify_signature("secret-secret-secret", header, body)
    assert not example.verify_signature("another-secret-here", header, body)
    stale = sign("secret-secret-secret", int(time.time()) - 3600, body)
    assert not example.verify_signature("secret-secret-secret", stale, body)
    assert hmac.compare_digest(
        header.split("v1=")[1],
        hmac.new(
            b"secret-secret-secret", header.split(",")[0][2:].encode() + b"." + body, hashlib.sha256
        ).hexdigest(),
    )
