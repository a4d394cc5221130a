"""The pause after repeated failed sign-ins, shared by the API's sign-in and the admin's.

Each attempt for one username (in its normal form) from one address is counted before the
password is checked, by one atomic increment; past `limit` attempts within `window`
seconds of the first, the pair is refused (429) until the window has passed, and the
password is not checked at all. However many attempts arrive at once, exactly `limit` of
them are checked. A successful sign-in clears the count.

The count lives where every server process sees it: in Redis when the default cache is
Redis (`REDIS_URL`; `INCR` on a key that expires with the window), else in the database
(`SignInFailure`, one `INSERT … ON CONFLICT DO UPDATE` per attempt).
"""

import hashlib
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django_redis.cache import RedisCache
from rest_framework.exceptions import Throttled

from accounts.models import SignInFailure

COUNT = """
INSERT INTO {table} ({key}, {count}, {ends}) VALUES (%s, 1, %s)
ON CONFLICT ({key}) DO UPDATE SET
    {count} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{count} + 1 END,
    {ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} ELSE {table}.{ends} END
RETURNING {count}, {ends}
"""


def _count_sql() -> str:
    quote = connection.ops.quote_name
    return COUNT.format(
        table=quote(SignInFailure._meta.db_table),
        key=quote("key"),
        count=quote("count"),
        ends=quote("window_ends"),
    )


class FailedSignIns:
    """After `limit` failed sign-ins for one username from one address within `window`
    seconds (`settings.SIGN_IN_FAILURES`), sign-in is refused (429) for that pair until
    the window has passed; a successful sign-in clears the count."""

    def __init__(self, request: HttpRequest, username: str) -> None:
        limit, window = settings.SIGN_IN_FAILURES
        self.limit, self.window = int(limit), int(window)
        address = request.META.get("REMOTE_ADDR", "")
        normal = get_user_model().normalize_username(username.strip())
        pair = f"{address}\n{normal}".encode()
        self.key = hashlib.sha256(pair).hexdigest()

    def check(self) -> None:
        """Count this attempt; refuse it, before any password is checked, past the limit."""
        cache = caches["default"]
        if isinstance(cache, RedisCache):
            count, wait = self._count_in_cache(cache)
        else:
            count, wait = self._count_in_database()
        if count > self.limit:
            raise Throttled(wait=max(1, wait), detail="Too many failed sign-ins; try again later.")

    def succeeded(self) -> None:
        cache = caches["default"]
        if isinstance(cache, RedisCache):
            cache.delete(self._cache_key)
        else:
            SignInFailure.objects.filter(key=self.key).delete()

    @property
    def _cache_key(self) -> str:
        return f"sign-in-failures:{self.key}"

    def _count_in_cache(self, cache: RedisCache) -> tuple[int, int]:
        key = self._cache_key
        try:
            count = cache.incr(key)  # atomic; keeps the key's expiry
        except ValueError:  # the window's first attempt, unless another made the key meanwhile
            count = 1 if cache.add(key, 1, self.window) else cache.incr(key)
        wait = cache.ttl(key) if count > self.limit else self.window
        return count, int(wait or self.window)

    def _count_in_database(self) -> tuple[int, int]:
        now = int(time.time())
        with connection.cursor() as cursor:
            cursor.execute(_count_sql(), [self.key, now + self.window, now, now])
            count, ends = cursor.fetchone()
        if count == 1:  # a new window: forget the pairs whose window has passed
            SignInFailure.objects.filter(window_ends__lte=now).delete()
        return int(count), int(ends) - now
