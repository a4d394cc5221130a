"""`manage.py decide_sessions`: the daily decision on open sessions (schedule it daily)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from training.services import sessions_decide


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

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        decided = sessions_decide(today=today)
        self.stdout.write(
            f"Decided sessions due by {today}: {decided['confirmed']} confirmed, "
            f"{decided['cancelled']} cancelled."
        )
