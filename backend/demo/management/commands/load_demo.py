"""`manage.py load_demo`: load (or refresh) the demo data set. Safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand

from demo.catalogue import load_catalogue
from demo.logins import ensure_demo_logins
from demo.people import load_people


class Command(BaseCommand):
    help = "Load the demo data (catalogue, people, sessions, logins); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_catalogue()
        # The logins belong to demo people: people first, logins last.
        counts |= load_people()
        logins = ensure_demo_logins()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}, {len(logins)} logins."))
