"""`manage.py demo_logins`: print the demo logins and their password."""

from typing import Any

from django.core.management.base import BaseCommand

from demo.logins import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins (created by load_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"    {login.username:<18} {login.role:<12} {login.description}")
