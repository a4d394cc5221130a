"""The change feed: `updated_since` and a cursor, so a partner polls without gaps or repeats."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import EnrolmentFactory, PartnerUserFactory, SessionFactory
from training.models import Session


def read_feed(client, url: str, since: str) -> list[dict]:  # type: ignore[no-untyped-def]
    page = client.get(url, {"updated_since": since, "page_size": 2}).json()
    assert page["count"] is None
    seen = list(page["results"])
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += page["results"]
    return seen


@pytest.mark.django_db
class TestChangeFeed:
    def test_a_poller_reads_every_change_once_in_order(self):
        partner = PartnerUserFactory()
        client = client_for(partner)
        start = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
        sessions = SessionFactory.create_batch(5, organiser=partner.partner_centre)
        SessionFactory()  # another centre's: never in this feed
        first = read_feed(client, "/api/v1/sessions/", start)
        assert [s["id"] for s in first] == [s.pk for s in sessions]
        last_seen = first[-1]["updated_at"]
        moved = sessions[1]
        Session.objects.filter(pk=moved.pk).update(
            venue="Nouvelle salle", updated_at=timezone.now() + dt.timedelta(seconds=1)
        )
        again = read_feed(client, "/api/v1/sessions/", last_seen)
        assert [s["id"] for s in again] == [sessions[4].pk, moved.pk]

    def test_enrolments_of_the_centres_sessions_feed_too(self):
        partner = PartnerUserFactory()
        session = SessionFactory(organiser=partner.partner_centre)
        mine = EnrolmentFactory.create_batch(3, session=session)
        EnrolmentFactory()
        since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
        seen = read_feed(client_for(partner), "/api/v1/enrolments/", since)
        assert [e["id"] for e in seen] == [e.pk for e in mine]

    def test_without_updated_since_lists_are_numbered_pages(self):
        partner = PartnerUserFactory()
        SessionFactory.create_batch(3, organiser=partner.partner_centre)
        body = client_for(partner).get("/api/v1/sessions/").json()
        assert body["count"] == 3
