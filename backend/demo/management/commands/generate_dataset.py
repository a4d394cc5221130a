"""`manage.py generate_dataset --providers N --seed S`: a large data set for measurements."""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from demo.dataset import COMPLETIONS_PER_PROVIDER, RATINGS_PER_PROVIDER, generate


class Command(BaseCommand):
    help = (
        "Add a realistic, deterministic data set: N providers with their businesses, offices "
        f"and partner centres, three years of sessions, about {COMPLETIONS_PER_PROVIDER} "
        f"completions and {RATINGS_PER_PROVIDER} self-assessments per provider."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--providers", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end",
            type=dt.date.fromisoformat,
            default=dt.date(2027, 1, 1),
            help="The day the three years of history end (YYYY-MM-DD).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["providers"] < 1:
            self.stderr.write("--providers must be at least 1.")
            raise SystemExit(2)
        bars: dict[str, tqdm[Any]] = {}

        def progress(label: str, done: int) -> None:
            bar = bars.get(label)
            if bar is None:
                for finished in bars.values():
                    finished.close()
                bar = bars[label] = tqdm(desc=f"{label:>16}", unit=" rows", file=self.stderr)
            bar.update(done - bar.n)

        started = time.perf_counter()
        counts = generate(
            providers=options["providers"],
            seed=options["seed"],
            end=options["end"],
            progress=progress,
        )
        for bar in bars.values():
            bar.close()
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.0f} s: {summary}."))
