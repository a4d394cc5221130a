"""Tokens in the shared cache that tell a process whether what it kept is still true.

A process keeps what it read (a login, a progress profile) under the token current when
it read it, and serves it again while that token is still the current one. A write
replaces the token as soon as it is made and again when its transaction commits: a
reader that saw the first new token but the data of before the commit kept them under a
token that no one asks for after the commit. A token the cache lost (memory full) is made
anew, never reused.

Tokens live in the default cache, which every server process must share (Redis,
`REDIS_URL`); with Redis, reading any number of them, and making those missing, is one
round trip.
"""

import uuid

from django.core.cache import caches
from django.db import transaction
from django_redis.cache import RedisCache


def current(keys: list[str]) -> list[str]:
    """The current tokens under these keys, made where the cache has none."""
    made = [uuid.uuid4().hex for _ in keys]
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache.client
        pipe = client.get_client(write=True).pipeline(transaction=False)
        for key, token in zip(keys, made, strict=True):
            # Kept unless there is one already, which is given back instead (Redis 7).
            pipe.set(client.make_key(key), client.encode(token), nx=True, get=True)
        found = pipe.execute()
        return [
            token if old is None else str(client.decode(old))
            for token, old in zip(made, found, strict=True)
        ]
    kept = cache.get_many(keys)
    tokens = []
    for key, token in zip(keys, made, strict=True):
        if key not in kept:
            # Another process may have made one meanwhile: the one kept wins (and a token
            # no one else knows is as safe, if that one is gone again).
            stored = cache.add(key, token, timeout=None)
            kept[key] = token if stored else (cache.get(key) or token)
        tokens.append(kept[key])
    return tokens


def _replace(keys: list[str]) -> None:
    """Give these keys one new token: made now, it is new to each of them. With Redis, one
    MSET, where `set_many` sends a SET per key in a MULTI block."""
    token = uuid.uuid4().hex
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache.client
        encoded = client.encode(token)
        client.get_client(write=True).mset({client.make_key(key): encoded for key in keys})
        return
    cache.set_many(dict.fromkeys(keys, token), timeout=None)


def replace_now_and_at_commit(keys: list[str]) -> None:
    """What these tokens vouch for changed (or is changing in this transaction)."""
    if not keys:
        return
    _replace(keys)
    # Robust: the write has committed; a cache that fails now must not stop the hooks
    # registered after this one (webhook deliveries).
    transaction.on_commit(lambda: _replace(keys), robust=True)
