"""Anonymise providers inactive for longer than the retention period (docs/privacy.md)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from privacy.services import inactive_providers, provider_erase


class Command(BaseCommand):
    help = (
        "Erase (anonymise) providers with no activity for --days days "
        "(PURGE_INACTIVE_DAYS by default). Schedule it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.PURGE_INACTIVE_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        since = timezone.now() - dt.timedelta(days=days)
        found = list(inactive_providers(since=since))
        if not dry_run:
            for provider in found:
                provider_erase(provider=provider)
        verb = "would be erased" if dry_run else "erased"
        self.stdout.write(f"{len(found)} provider(s) inactive for {days} days {verb}.")
