"""Back the PostgreSQL database up: a pg_dump file and its row counts (docs/operations.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backups import BackupError, backup, counts_file


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) with its row counts beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="The dump file to write.")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            counts = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{out}: {len(counts)} tables, {sum(counts.values()):,} rows "
            f"(counts in {counts_file(out).name})."
        )
