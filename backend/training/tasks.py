"""Background tasks of training, run by the worker (`make worker`)."""

import datetime as dt

from django_tasks import task

from training.services import sessions_decide


@task()
def decide_sessions_task(today: str) -> dict[str, int]:
    """The daily decision on open sessions, as of `today` (YYYY-MM-DD)."""
    return sessions_decide(today=dt.date.fromisoformat(today))
