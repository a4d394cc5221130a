"""`manage.py decide_sessions`: the daily decision on open sessions (schedule it daily)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from training.services import sessions_decide
from training.tasks import decide_sessions_task


class Command(BaseCommand):
    help = (
        "Cancel every open session short of its minimum on its decision date "
        "('not enough participants') and confirm the others."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Decide as of this date (YYYY-MM-DD); default: today.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the decision for the background worker (make worker) instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        if options["enqueue"]:
            result = decide_sessions_task.enqueue(today.isoformat())
            self.stdout.write(f"Queued the decision for {today} ({result.id}).")
            return
        decided = sessions_decide(today=today)
        self.stdout.write(
            f"Decided sessions due by {today}: {decided['confirmed']} confirmed, "
            f"{decided['cancelled']} cancelled."
        )
