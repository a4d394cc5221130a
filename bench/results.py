"""The last step of `make bench`: the figures as tables (each scenario's, then each target
against its own floor), printed and written with the machine, the data set and the command
to docs/performance.md."""

import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import psycopg
from environment import CONNECTIONS, PROVIDERS, REPORT, ROOT, ROUNDS, SECONDS, postgres_url, say
from load import Scenario


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    with psycopg.connect(postgres_url()) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    version = row[0] if row else "?"
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {version}"
    )


def scenario_table(rows: list[Scenario], floor_rps: float) -> list[str]:
    """Every scenario's medians; the ratio to the HTTP floor for what the server answers."""
    lines = [
        "| scenario | req/s | items/s | ratio to floor | p50 ms | p99 ms "
        "| errors, non-2xx or items not written |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in rows:
        rps = median([r["rps"] for r in s.results])
        if s.written_by:
            items = f"{median([r['items'] for r in s.results]):,.0f}"
        else:
            items = f"{rps * s.items:,.0f}" if s.items > 1 else ""
        ratio = "" if s.measure else f"{rps / floor_rps:.3f}"
        lines.append(
            f"| {s.name} | {rps:,.1f} | {items} | {ratio} | "
            f"{median([r['p50'] for r in s.results]):.1f} | "
            f"{median([r['p99'] for r in s.results]):.1f} | "
            f"{int(sum(r['errors'] + r.get('refused', 0) for r in s.results))} |"
        )
    return lines


def items_ratio(scenario: Scenario, floor: Scenario) -> float:
    """Items per second over the floor's rows per second: the median of the rounds' ratios
    (each round measures the floor just before the scenario)."""
    return median(
        [r["items"] / f["items"] for r, f in zip(scenario.results, floor.results, strict=True)]
    )


def p50_ratio(scenario: Scenario, floor: Scenario) -> float:
    """The scenario's p50 over its floor's."""
    return median([r["p50"] for r in scenario.results]) / median([f["p50"] for f in floor.results])


def floor_table(
    rows: list[Scenario], after_writes: dict[str, list[float]], aggregates: dict[str, Scenario]
) -> list[str]:
    """Each target bound to the machine against its floor measured in the same run."""
    lines = [
        "| target's figure | this run | its floor in the same run | ratio (figure ÷ floor) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for s in rows:
        floor = s.against
        if floor is None:
            continue
        if s.written_by:
            lines.append(
                f"| {s.name}, items/s | {median([r['items'] for r in s.results]):,.0f} | "
                f"{median([f['items'] for f in floor.results]):,.0f} rows/s | "
                f"{items_ratio(s, floor):.3f} (median of the rounds') |"
            )
        else:
            lines.append(
                f"| {s.name}, p50 ms | {median([r['p50'] for r in s.results]):,.1f} | "
                f"{median([f['p50'] for f in floor.results]):,.1f} ms | "
                f"{p50_ratio(s, floor):.3f} |"
            )
    for group_by, times in after_writes.items():
        aggregate = median([f["p50"] for f in aggregates[group_by].results])
        lines.append(
            f"| GET reports/skills/?group_by={group_by} (computed afresh, each after a provider "
            f"rated 8 competencies), p50 ms | {median(times):,.1f} | {aggregate:,.1f} ms | "
            f"{median(times) / aggregate:.3f} |"
        )
    return lines


def write_report(lines: list[str], data: dict[str, Any]) -> None:
    counts = ", ".join(f"{n:,} {name}" for name, n in data["counts"].items())
    text = REPORT.read_text() if REPORT.exists() else ""
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    block = "\n".join(
        [
            start,
            f"Measured on {time.strftime('%Y-%m-%d')}: {machine()}.",
            "",
            f"Data set: `generate_dataset --providers {PROVIDERS} --seed 1`; the database "
            f"now holds {counts} (earlier runs' writes included).",
            "",
            f"Command: `make bench` (gunicorn, 2 workers; wrk, 1 thread, {CONNECTIONS} "
            f"connections, {SECONDS} s per scenario, {ROUNDS} interleaved rounds, medians; "
            "reports one connection for at least 15 s, bulk pushes two (one per wrk thread); "
            "the reports computed afresh once more after the rounds, on a server with the "
            "answer cache off; the floors in the database from the bench's own process).",
            "",
            *lines,
            end,
        ]
    )
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text + ("\n" if text else "") + block + "\n"
    REPORT.write_text(text)
    say(f"wrote {REPORT.relative_to(ROOT)}")
