"""Token-authenticated requests never hash a password: a token is checked, not a secret."""

from collections.abc import Iterator
from unittest import mock

import pytest
from django.contrib.auth import hashers
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import CoordinatorFactory, PartnerCentreFactory
from tests.integrations.test_partner_clients import create_client, get_token


@pytest.fixture
def hashing() -> Iterator[mock.MagicMock]:
    """Counts every password hashed or checked while the test runs (the suite's hasher)."""
    hasher = hashers.MD5PasswordHasher
    with (
        mock.patch.object(hasher, "verify", autospec=True, side_effect=hasher.verify) as verify,
        mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode,
    ):
        counter = mock.MagicMock()
        counter.calls = lambda: verify.call_count + encode.call_count
        yield counter


@pytest.mark.django_db
def test_a_jwt_request_hashes_nothing(hashing):
    client = client_for(CoordinatorFactory())
    before = hashing.calls()
    for _ in range(3):
        assert client.get("/api/v1/providers/").status_code == 200
    assert hashing.calls() == before


@pytest.mark.django_db
def test_a_partner_token_request_hashes_nothing(hashing):
    created = create_client(PartnerCentreFactory())
    token = get_token(created["client_id"], created["client_secret"]).json()["access_token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    before = hashing.calls()
    for _ in range(3):
        assert api.get("/api/v1/sessions/").status_code == 200
    assert hashing.calls() == before


@pytest.mark.django_db
def test_the_counter_sees_a_password_login(hashing, db):
    CoordinatorFactory(username="ana", password="long-pass-123")
    before = hashing.calls()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "ana", "password": "long-pass-123"}, format="json"
    )
    assert response.status_code == 200
    assert hashing.calls() > before
