"""`manage.py purge_idempotency_keys`: forget Idempotency-Keys past their lifetime."""

from typing import Any

from django.core.management.base import BaseCommand

from integrations.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than IDEMPOTENCY_KEY_HOURS (≥ 24 h)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {purge_expired()} idempotency records.")
