"""`make bench`: Parcours under a production server against its floors, on PostgreSQL.

The steps, each in its own module of bench/:

1. `database`: the bench database holds the generated data set (`BENCH_PROVIDERS`
   providers, seed 1), vacuumed.
2. `prepare`: logins, a partner client and payloads (bench/setup.py).
3. `server`: the API under gunicorn (2 workers, DEBUG off) on 127.0.0.1, with the HTTP
   floor beside it: a bare Django view answering a fixed ~50-row JSON.
4. `export`: the CSV of every provider, on fresh workers.
5. `load` and `scenarios`: each scenario loaded by wrk in interleaved rounds (every
   scenario once per round), each figure the median over the rounds; the bulk pushes
   right after their floor (`floors`: a plain INSERT of as many rows).
6. `fresh_reports`: the skills reports computed afresh on a server with the answer cache
   off, after their floor (`floors`: a plain aggregate over the current levels).
7. `results`: the tables, with each figure's ratio to its floor, printed and written with
   the machine, the data set and the command to docs/performance.md.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import redis
from database import ensure_dataset, vacuum
from environment import REDIS_URL, ROUNDS, say
from export import export
from fresh_reports import AFTER_WRITES, after_writes, first_answers
from load import run_scenario
from prepare import partner_token, prepare
from results import floor_table, median, scenario_table, write_report
from scenarios import aggregate_scenarios, fresh_report_scenarios, scenarios
from server import start_server, stop_server


def ensure_wrk() -> None:
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        say("installing wrk from Debian's packages")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")


def main() -> None:
    ensure_wrk()
    ensure_dataset()
    redis.Redis.from_url(REDIS_URL).flushdb()
    data = prepare()
    say("vacuuming the database")
    vacuum()
    server = start_server()
    try:
        # First, on fresh workers: what the export adds to a worker's memory.
        exported = export(server, data["token"])
        token = partner_token(data)
        with tempfile.TemporaryDirectory() as tmp:
            runs = scenarios(data, token, Path(tmp))
            for number in range(1, ROUNDS + 1):
                for scenario in runs:
                    result = run_scenario(scenario, Path(tmp))
                    scenario.results.append(result)
                    say(
                        f"round {number}/{ROUNDS} {scenario.name}: {result['rps']:.1f} req/s, "
                        f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms"
                        + (f", {result['items']:,.0f} items/s" if result.get("items") else "")
                    )
                    if scenario.against is not None:
                        floor = scenario.against
                        ratio = result["items"] / floor.results[-1]["items"]
                        say(f"round {number}/{ROUNDS} {scenario.name}: {ratio:.3f} × its floor")
    finally:
        stop_server(server)
    # Then every report computed afresh, on a server with the answer cache off, each after
    # its floor (a plain aggregate over the current levels).
    aggregates = aggregate_scenarios()
    fresh = fresh_report_scenarios(data, aggregates)
    server = start_server(REPORT_CACHE_SECONDS="0")
    try:
        firsts = first_answers(data)
        with tempfile.TemporaryDirectory() as tmp:
            for aggregate, scenario in zip(aggregates.values(), fresh, strict=True):
                for step in (aggregate, scenario):
                    step.results.append(run_scenario(step, Path(tmp)))
                    result = step.results[-1]
                    say(f"{step.name}: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms")
        written = after_writes(data)
    finally:
        stop_server(server)
    floor_rps = median([r["rps"] for r in runs[0].results])
    lines = scenario_table([*runs, *aggregates.values(), *fresh], floor_rps)
    lines += [
        f"| GET reports/skills/?group_by={group_by} (first answer of a fresh worker, "
        f"REPORT_CACHE_SECONDS=0: no row built before) | | | | {ms:.1f} | | |"
        for group_by, ms in firsts.items()
    ]
    lines += [
        f"| GET reports/skills/?group_by={group_by} (computed afresh, each after a provider "
        f"rated 8 competencies; {AFTER_WRITES} reads, p50 and slowest) | | | | "
        f"{median(times):.1f} | {max(times):.1f} | |"
        for group_by, times in written.items()
    ]
    lines.append(
        f"| CSV export of all {data['counts']['providers']:,} providers | | | | "
        f"{exported['seconds'] * 1000:,.0f} (whole download, {exported['megabytes']:.1f} MB) | "
        f"| peak memory growth {exported['peak_growth_mb']:.1f} MB |"
    )
    lines += ["", *floor_table([*runs, *fresh], written, aggregates)]
    print("\n".join(lines))
    write_report(lines, data)


if __name__ == "__main__":
    sys.exit(main())
