"""Real concurrent transactions on PostgreSQL: a transaction held open in another thread,
requests run in threads, and waits for a backend to be blocked on a lock.

Tests using these are `django_db(transaction=True)`: each thread has its own connection,
and what one commits the others see.
"""

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from django.db import connection, transaction

from tests.conftest import on_postgres

T = TypeVar("T")
WAIT_SECONDS = 30.0


def require_postgres() -> None:
    """Concurrent transactions are proven on PostgreSQL (CI's second run)."""
    if not on_postgres():
        pytest.skip("Real concurrent transactions are proven on PostgreSQL (CI's second run).")


def lock_waiters() -> list[int]:
    """The backends of this database blocked on another transaction's lock, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' ORDER BY query_start"
        )
        return [row[0] for row in cursor.fetchall()]


def wait_for_lock_waiters(count: int) -> list[int]:
    """Wait until `count` backends are blocked on a lock; their pids, oldest first."""
    deadline = time.monotonic() + WAIT_SECONDS
    while len(pids := lock_waiters()) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} backends waiting on a lock, saw {pids}")
        time.sleep(0.02)
    return pids


def in_thread(call: Callable[[], T]) -> "Future[T]":
    """Run `call` in a thread of its own (its own connection, closed at the end)."""

    def run() -> T:
        try:
            return call()
        finally:
            connection.close()

    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(run)
    executor.shutdown(wait=False)
    return future


class Held:
    """A transaction another thread keeps open until `release()`, then rolls back."""

    def __init__(self, hold: Callable[[], Any]) -> None:
        self._hold = hold
        self._held = threading.Event()
        self._release = threading.Event()
        self._done = in_thread(self._run)
        if not self._held.wait(WAIT_SECONDS):
            raise AssertionError("the holding transaction did not start")
        if self._done.done():
            self._done.result()  # the hold failed: raise its error

    def _run(self) -> None:
        try:
            with transaction.atomic():
                self._hold()
                self._held.set()
                self._release.wait(WAIT_SECONDS * 2)
                transaction.set_rollback(True)
        finally:
            self._held.set()

    def release(self) -> None:
        self._release.set()
        self._done.result(timeout=WAIT_SECONDS)


@contextmanager
def held(hold: Callable[[], Any]) -> Iterator[Held]:
    """`hold()` run in a transaction of another connection, kept open (its locks held)
    until released, or until the block ends; then rolled back."""
    holder = Held(hold)
    try:
        yield holder
    finally:
        holder.release()
