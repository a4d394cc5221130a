"""The health check."""

from unittest import mock

import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_health_says_ok_without_authentication(anon):
    response = anon.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_is_503_when_the_database_fails(anon):
    with mock.patch("api.views.connection.cursor", side_effect=DatabaseError("down")):
        response = anon.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
