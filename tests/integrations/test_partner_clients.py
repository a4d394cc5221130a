"""Partner centres' OAuth2 clients: created by coordinators, scoped to their centre, revocable."""

import base64

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from integrations.models import PartnerClient
from tests.conftest import client_for
from tests.factories import (
    CoordinatorFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PartnerCentreFactory,
    ProviderFactory,
    SessionFactory,
)

URL = "/api/v1/partner-clients/"


def create_client(centre):  # type: ignore[no-untyped-def]
    response = client_for(CoordinatorFactory()).post(
        URL, {"partner_centre": centre.pk, "name": "Logiciel de gestion"}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def get_token(client_id: str, secret: str):  # type: ignore[no-untyped-def]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client().post(
        "/o/token/",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


@pytest.mark.django_db
class TestPartnerClients:
    def test_the_secret_is_shown_once_and_gives_a_scoped_token(self):
        centre = PartnerCentreFactory()
        created = create_client(centre)
        assert created["client_secret"]
        listed = client_for(CoordinatorFactory()).get(f"{URL}{created['id']}/").json()
        assert listed["client_secret"] is None
        token = get_token(created["client_id"], created["client_secret"])
        assert token.status_code == 200, token.content
        body = token.json()
        assert body["token_type"] == "Bearer"
        assert body["scope"] == "partner"
        assert 0 < body["expires_in"] <= 3600

        own = SessionFactory(organiser=centre, status="draft")
        SessionFactory(status="open")  # the office's, public to people but not to the centre
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
        me = api.get("/api/v1/me/").json()
        assert me["role"] == "partner"
        assert me["partner_centre"]["id"] == centre.pk
        ids = [s["id"] for s in api.get("/api/v1/sessions/").json()["results"]]
        assert ids == [own.pk]

    def test_a_centre_never_sees_another_centres_sessions_or_participants(self):
        centre, other = PartnerCentreFactory(), PartnerCentreFactory()
        created = create_client(centre)
        token = get_token(created["client_id"], created["client_secret"]).json()["access_token"]
        foreign = SessionFactory(organiser=other)
        participant = EnrolmentFactory(
            session=foreign, provider=ProviderFactory(shares_progress_with_partners=True)
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api.get(f"/api/v1/sessions/{foreign.pk}/").status_code == 404
        assert api.get("/api/v1/providers/").json()["count"] == 0
        assert api.get(f"/api/v1/providers/{participant.provider.pk}/").status_code == 404
        assert api.get(f"/api/v1/providers/{participant.provider.pk}/progress/").status_code == 404
        assert api.get("/api/v1/enrolments/").json()["count"] == 0
        assert api.get("/api/v1/sessions/", {"search": foreign.commune}).json()["results"] == []

    def test_a_wrong_secret_gets_no_token(self):
        created = create_client(PartnerCentreFactory())
        assert get_token(created["client_id"], "wrong").status_code == 401

    def test_a_revoked_client_loses_its_tokens_and_gets_no_new_one(self):
        created = create_client(PartnerCentreFactory())
        token = get_token(created["client_id"], created["client_secret"]).json()["access_token"]
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api.get("/api/v1/sessions/").status_code == 200
        response = client_for(CoordinatorFactory()).post(f"{URL}{created['id']}/revoke/")
        assert response.status_code == 200
        assert response.json()["is_active"] is False
        assert api.get("/api/v1/sessions/").status_code == 401
        assert get_token(created["client_id"], created["client_secret"]).status_code == 401
        # Each lock holds alone: the tokens are gone, the secret changed, the login disabled.
        client = PartnerClient.objects.select_related("application__user").get(pk=created["id"])
        assert not AccessToken.objects.filter(application=client.application).exists()
        assert client.application.user is not None
        assert client.application.user.is_active is False
        assert client.revoked_at is not None

    def test_only_partner_centres_get_clients(self):
        response = client_for(CoordinatorFactory()).post(
            URL, {"partner_centre": OrganisationFactory().pk, "name": "x"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "wrong_kind"
        assert not PartnerClient.objects.exists()

    def test_a_partner_schedules_its_own_session_whatever_organiser_it_sends(self):
        centre = PartnerCentreFactory()
        created = create_client(centre)
        token = get_token(created["client_id"], created["client_secret"]).json()["access_token"]
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        office = OrganisationFactory()
        response = api.post(
            "/api/v1/sessions/",
            {
                "module": SessionFactory().module.pk,
                "organiser": office.pk,
                "venue": "Centre",
                "commune": "Saint-Pol-de-Léon",
                "capacity": 12,
                "funding": "paid",
                "external_id": "CFL-2027-01",
                "slots": [
                    {
                        "starts_at": "2027-04-01T09:00:00+02:00",
                        "ends_at": "2027-04-01T17:00:00+02:00",
                    }
                ],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["organiser"] == centre.pk


@pytest.mark.django_db
def test_coordinators_create_and_revoke_clients_in_the_admin(admin_client):
    centre = PartnerCentreFactory()
    response = admin_client.post(
        "/admin/integrations/partnerclient/add/",
        {"partner_centre": centre.pk, "name": "Logiciel"},
        follow=True,
    )
    assert response.status_code == 200
    client = PartnerClient.objects.get()
    assert client.application.client_id in response.content.decode()
    assert "secret (shown once)" in response.content.decode()
    admin_client.post(
        "/admin/integrations/partnerclient/",
        {"action": "revoke", "_selected_action": [client.pk]},
    )
    client.refresh_from_db()
    assert client.revoked_at is not None
