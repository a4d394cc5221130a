"""Request rates: 429 with Retry-After per login, per partner client, per anonymous address,
and after repeated failed sign-ins."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import SignInFailure, User
from tests.conftest import client_for, on_postgres
from tests.factories import CoordinatorFactory, PartnerCentreFactory, ProviderUserFactory
from tests.integrations.test_partner_clients import create_client, get_token

URL = "/api/v1/modules/"


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "throttled"


def today_at(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment of today (UTC): rates per day count per UTC day."""
    return dt.datetime.now(dt.UTC).replace(hour=hour, minute=minute, second=second, microsecond=0)


@pytest.mark.django_db
class TestRates:
    # Rates per day: requests are counted per UTC day; the clock stands at noon, so a day's
    # window does not end in the middle of a test.
    @pytest.fixture(autouse=True)
    def at_noon(self, time_machine: Any) -> None:
        time_machine.move_to(today_at(12), tick=False)

    def test_each_login_has_its_own_allowance(self, settings):
        settings.THROTTLE_RATES = {"user": "3/day", "anon": None}
        first, second = client_for(CoordinatorFactory()), client_for(ProviderUserFactory())
        assert [first.get(URL).status_code for _ in range(3)] == [200, 200, 200]
        assert_throttled(first.get(URL))
        assert second.get(URL).status_code == 200  # another login, another count

    def test_a_partner_client_is_counted_on_its_own(self, settings):
        settings.THROTTLE_RATES = {"user": "2/day", "anon": None}
        created = create_client(PartnerCentreFactory())
        token = get_token(created["client_id"], created["client_secret"]).json()["access_token"]
        partner = APIClient()
        partner.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert [partner.get(URL).status_code for _ in range(2)] == [200, 200]
        assert_throttled(partner.get(URL))
        assert client_for(CoordinatorFactory()).get(URL).status_code == 200

    def test_anonymous_callers_are_counted_by_address(self, settings):
        settings.THROTTLE_RATES = {"user": None, "anon": "2/day"}
        here, there = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
        assert [here.get(URL).status_code for _ in range(2)] == [200, 200]
        assert_throttled(here.get(URL))
        assert there.get(URL).status_code == 200

    def test_a_process_takes_the_allowance_a_few_requests_at_a_time(self, settings):
        """200 a day: taken two at a time; what a process holds and loses (another process
        holds it) is never given twice, so the rate is never passed."""
        from django.core.cache import cache

        from api import throttling

        settings.THROTTLE_RATES = {"user": "200/day", "anon": None}
        user = CoordinatorFactory()
        client = client_for(user)
        assert client.get(URL).status_code == 200
        [key] = throttling._held
        assert throttling._held[key] == 1
        assert cache.get(key) == 2
        throttling._held.clear()  # held by another process from now on
        statuses = [client.get(URL).status_code for _ in range(200)]
        assert statuses == [200] * 198 + [429] * 2

    def test_no_limit_when_none(self, settings):
        settings.THROTTLE_RATES = {"user": None, "anon": None}
        client = client_for(CoordinatorFactory())
        assert {client.get(URL).status_code for _ in range(20)} == {200}

    def test_a_days_allowance_is_renewed_at_utc_midnight(self, settings, time_machine):
        settings.THROTTLE_RATES = {"user": "2/day", "anon": None}
        time_machine.move_to(today_at(23, 59, 58), tick=False)
        client = client_for(CoordinatorFactory())
        assert [client.get(URL).status_code for _ in range(2)] == [200, 200]
        time_machine.move_to(today_at(23, 59, 59), tick=False)
        refused = client.get(URL)
        assert_throttled(refused)
        assert refused["Retry-After"] == "1"  # until midnight
        time_machine.move_to(today_at(0) + dt.timedelta(days=1), tick=False)
        assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
class TestFailedSignIns:
    def sign_in(self, client: APIClient, username: str, password: str) -> Any:
        return client.post("/api/v1/auth/token/", {"username": username, "password": password})

    def test_repeated_failures_lock_that_username_from_that_address(self, settings):
        settings.SIGN_IN_FAILURES = (3, 900)
        user = ProviderUserFactory(username="marie")
        user.set_password("Correct-horse-battery-9")
        user.save()
        other = ProviderUserFactory(username="paul")
        other.set_password("Correct-horse-battery-9")
        other.save()
        here, there = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
        assert [self.sign_in(here, "marie", "wrong").status_code for _ in range(3)] == [401] * 3
        # Locked, even with the right password, and told for how long.
        locked = self.sign_in(here, "marie", "Correct-horse-battery-9")
        assert_throttled(locked)
        assert 1 <= int(locked["Retry-After"]) <= 900
        # Another username from this address, or this one from another address, may sign in.
        assert self.sign_in(here, "paul", "Correct-horse-battery-9").status_code == 200
        assert self.sign_in(there, "marie", "Correct-horse-battery-9").status_code == 200

    def test_a_success_clears_the_count(self, settings):
        settings.SIGN_IN_FAILURES = (3, 900)
        user = ProviderUserFactory(username="lea")
        user.set_password("Correct-horse-battery-9")
        user.save()
        client = APIClient(REMOTE_ADDR="10.0.0.3")
        for _ in range(2):
            assert self.sign_in(client, "lea", "wrong").status_code == 401
        assert self.sign_in(client, "lea", "Correct-horse-battery-9").status_code == 200
        for _ in range(2):
            assert self.sign_in(client, "lea", "wrong").status_code == 401
        assert self.sign_in(client, "lea", "Correct-horse-battery-9").status_code == 200

    def test_without_a_shared_cache_the_count_is_kept_in_the_database(self, settings):
        """Every process sees the same count: another process, with a memory cache of its
        own (emptied here), still refuses the pair."""
        settings.SIGN_IN_FAILURES = (3, 900)
        ProviderUserFactory(username="nadia")
        client = APIClient(REMOTE_ADDR="10.0.0.4")
        assert [self.sign_in(client, "nadia", "wrong").status_code for _ in range(3)] == [401] * 3
        for cache in caches.all():
            cache.clear()
        assert_throttled(self.sign_in(client, "nadia", "wrong"))
        assert SignInFailure.objects.count() == 1

    def test_the_username_is_counted_in_its_normalised_form(self, settings):
        settings.SIGN_IN_FAILURES = (2, 900)
        ProviderUserFactory(username="yann")
        client = APIClient(REMOTE_ADDR="10.0.0.5")
        assert self.sign_in(client, "yann", "wrong").status_code == 401
        assert self.sign_in(client, "ＹＡＮＮ", "wrong").status_code == 401
        assert_throttled(self.sign_in(client, "Yann", "wrong"))

    def test_the_admin_login_pauses_too(self, settings, client):
        settings.SIGN_IN_FAILURES = (3, 900)
        user = ProviderUserFactory(username="staff", is_staff=True)
        user.set_password("Correct-horse-battery-9")
        user.save()
        form = {"username": "staff", "password": "wrong"}
        assert [client.post("/admin/login/", form).status_code for _ in range(3)] == [200] * 3
        right = {"username": "staff", "password": "Correct-horse-battery-9"}
        locked = client.post("/admin/login/", right)
        assert locked.status_code == 429
        assert 1 <= int(locked["Retry-After"]) <= 900
        assert "_auth_user_id" not in client.session
        # The token endpoint shares the same count.
        assert_throttled(self.sign_in(APIClient(), "staff", "Correct-horse-battery-9"))

    def test_a_successful_admin_login_clears_the_count(self, settings, client):
        settings.SIGN_IN_FAILURES = (2, 900)
        user = ProviderUserFactory(username="staff2", is_staff=True)
        user.set_password("Correct-horse-battery-9")
        user.save()
        assert client.post("/admin/login/", {"username": "staff2", "password": "x"}).status_code
        right = {"username": "staff2", "password": "Correct-horse-battery-9"}
        assert client.post("/admin/login/", right).status_code == 302
        client.logout()
        assert client.post("/admin/login/", {"username": "staff2", "password": "x"}).status_code
        assert client.post("/admin/login/", right).status_code == 302


@pytest.mark.django_db
def test_with_a_shared_cache_the_count_is_kept_in_it(settings, redis_cache):
    settings.SIGN_IN_FAILURES = (3, 900)
    ProviderUserFactory(username="ines")
    client = APIClient(REMOTE_ADDR="10.0.0.6")
    sign_in = TestFailedSignIns().sign_in
    assert [sign_in(client, "ines", "wrong").status_code for _ in range(3)] == [401] * 3
    locked = sign_in(client, "ines", "wrong")
    assert_throttled(locked)
    assert 1 <= int(locked["Retry-After"]) <= 900
    assert SignInFailure.objects.count() == 0


def parallel_wrong_attempts(attempts: int) -> tuple[list[int], int]:
    """`attempts` wrong sign-ins at once, each thread with its own database connection:
    the statuses, and how many were checked against the password."""
    barrier = threading.Barrier(attempts)
    statuses: list[int] = []
    checked: list[str] = []
    lock = threading.Lock()

    def count_check(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
        with lock:
            checked.append(credentials["username"])

    def attempt() -> None:
        try:
            barrier.wait()
            response = APIClient(REMOTE_ADDR="10.0.0.7").post(
                "/api/v1/auth/token/", {"username": "target", "password": "wrong"}
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    user_login_failed.connect(count_check, dispatch_uid="parallel-count")
    try:
        threads = [threading.Thread(target=attempt) for _ in range(attempts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        user_login_failed.disconnect(dispatch_uid="parallel-count")
    return statuses, len(checked)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("counter", ["database", "redis"])
def test_parallel_wrong_attempts_are_checked_exactly_limit_times(request, settings, counter):
    """On PostgreSQL (the suite's second CI run): real concurrent transactions, counted in
    the database (no shared cache) and in Redis."""
    if not on_postgres():
        pytest.skip("Concurrent transactions are proven on PostgreSQL (CI's second run).")
    if counter == "redis":
        request.getfixturevalue("redis_cache")
    settings.SIGN_IN_FAILURES = (5, 900)
    User.objects.create_user("target", password="Correct-horse-battery-9")
    statuses, checked = parallel_wrong_attempts(30)
    assert checked == 5
    assert sorted(statuses) == [401] * 5 + [429] * 25
