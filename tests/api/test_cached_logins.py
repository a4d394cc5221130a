"""A signed token's login cached in the process (api/authentication.py): every write to the
login is seen from the next request on, and an expired token is refused all the same."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from api import authentication
from tests.conftest import client_for
from tests.factories import CoordinatorFactory

AUDIT = "/api/v1/audit/"  # coordinators only


def queries(client, url: str = "/api/v1/me/") -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    return status, len(ctx)


@pytest.mark.django_db
class TestCachedLogins:
    def test_a_login_is_read_once_then_kept(self):
        client = client_for(CoordinatorFactory())
        assert queries(client, AUDIT)[0] == 200
        first = queries(client, AUDIT)[1]
        assert queries(client, AUDIT)[1] == first  # the login is not read again
        authentication.LOGINS.clear()
        assert queries(client, AUDIT)[1] == first + 1

    def test_a_changed_role_applies_from_the_next_request(self):
        user = CoordinatorFactory()
        client = client_for(user)
        assert client.get(AUDIT).status_code == 200
        user.role = "trainer"
        user.save()
        assert client.get(AUDIT).status_code == 403

    def test_a_deactivated_login_is_refused_from_the_next_request(self):
        user = CoordinatorFactory()
        client = client_for(user)
        assert client.get(AUDIT).status_code == 200
        user.is_active = False
        user.save(update_fields=["is_active"])
        response = client.get(AUDIT)
        assert response.status_code == 401

    def test_a_write_bumps_the_version_again_when_it_commits(
        self, django_capture_on_commit_callbacks
    ):
        """A request between the write and its commit reads the login of before: what it
        caches is under a version that the commit bumps."""
        user = CoordinatorFactory()
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            user.is_active = False
            user.save(update_fields=["is_active"])
            # As still seen by others: active, its tokens of this generation.
            User.objects.filter(pk=user.pk).update(is_active=True, token_generation=0)
            assert client.get(AUDIT).status_code == 200  # cached under the new version
            User.objects.filter(pk=user.pk).update(is_active=False)  # the commit's data
        for callback in callbacks:
            callback()
        assert client.get(AUDIT).status_code == 401

    def test_a_lost_version_is_made_anew_never_reused(self):
        from django.core.cache import cache

        user = CoordinatorFactory()
        client = client_for(user)
        assert client.get(AUDIT).status_code == 200
        cache.delete(authentication.LOGIN_VERSIONS.key(user.pk))
        User.objects.filter(pk=user.pk).update(is_active=False)  # no signal: only the lost version
        assert client.get(AUDIT).status_code == 401

    def test_a_write_without_signal_is_seen_after_the_settings_time(self, settings, monkeypatch):
        settings.LOGIN_CACHE_SECONDS = 60
        user = CoordinatorFactory()
        client = client_for(user)
        assert client.get(AUDIT).status_code == 200
        User.objects.filter(pk=user.pk).update(role="trainer")  # a bulk update: no signal
        assert client.get(AUDIT).status_code == 200  # still kept
        now = time.monotonic()
        monkeypatch.setattr(time, "monotonic", lambda: now + 61)
        assert client.get(AUDIT).status_code == 403

    def test_nothing_is_kept_when_switched_off(self, settings):
        settings.LOGIN_CACHE_SECONDS = 0
        client = client_for(CoordinatorFactory())
        client.get(AUDIT)
        first = queries(client, AUDIT)[1]
        authentication.LOGINS.clear()
        assert queries(client, AUDIT)[1] == first

    def test_an_expired_token_is_refused_though_it_was_checked_before(self, monkeypatch):
        user = CoordinatorFactory()
        token = AccessToken.for_user(user)
        token.set_exp(lifetime=dt.timedelta(minutes=5))
        client = client_for(user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert client.get(AUDIT).status_code == 200
        later = authentication.aware_utcnow() + dt.timedelta(minutes=6)
        monkeypatch.setattr(authentication, "aware_utcnow", lambda: later)
        response = client.get(AUDIT)
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "token_not_valid"
