"""Check a backup: restore it into a scratch database, compare row counts, migrate --check."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backups import BackupError, restore_check


class Command(BaseCommand):
    help = (
        "Restore a dump made by `backup` into a scratch database, check that every table "
        "has the rows counted at backup time and that `migrate --check` passes, then drop it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", type=Path)
        parser.add_argument("--scratch", help="The scratch database (<name>_restore_check).")
        parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")

    def handle(
        self, *args: Any, dump: Path, scratch: str | None, keep: bool, **options: Any
    ) -> None:
        try:
            counts = restore_check(dump, scratch=scratch, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{dump}: restored and checked, {len(counts)} tables, {sum(counts.values()):,} rows, "
            "migrations up to date."
        )
