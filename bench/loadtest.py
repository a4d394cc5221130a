"""`make loadtest`: the API under a realistic load, then under faults (docs/reliability.md).

1. A fresh PostgreSQL database (`LOAD_DATABASE_URL`, default `parcours_load`) with a
   generated data set of `LOAD_PROVIDERS` providers (5,000), and the clients' fixtures.
2. The API under gunicorn (2 workers) on 127.0.0.1, production settings, Redis as the
   shared cache.
3. Steady load: locust, headless, `LOAD_USERS` clients (40) for `LOAD_SECONDS` (60):
   throughput, p50/p95/p99, error ratio, server errors.
4. The same load with faults: a worker killed with SIGKILL, every connection of the
   app to its database terminated (`pg_terminate_backend`), PostgreSQL restarted. A
   probe reads the API every 0.1 s: the time from each fault to the next good answer.
5. After each run, the ledger of acknowledged writes is compared with the database:
   every bulk item pushed (with its `Idempotency-Key`) must be there exactly once, and
   every acknowledged self-assessment and enrolment must be there.

Prints a table and writes it to docs/reliability.md. Exits non-zero when a check fails.
"""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("BENCH_PORT", "8766")
os.environ.setdefault(
    "BENCH_DATABASE_URL",
    os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_load"),
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")

import environment
import psycopg
import redis
import requests
from database import migrated_database
from results import machine
from server import start_server, worker_pids

ROOT = environment.ROOT
LOCUST = ROOT / ".venv" / "bin" / "locust"
DATABASE_URL = environment.DATABASE_URL
BASE = environment.BASE
PROVIDERS = int(os.environ.get("LOAD_PROVIDERS", "5000"))
USERS = int(os.environ.get("LOAD_USERS", "40"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
FAULT_SECONDS = int(os.environ.get("LOAD_FAULT_SECONDS", "90"))
RECOVERY_LIMIT = 10.0
REPORT = ROOT / "docs" / "reliability.md"


def say(message: str) -> None:
    print(f"loadtest: {message}", flush=True)


def fresh_database() -> dict[str, Any]:
    migrated_database(fresh=True)
    env = {**environment.server_env(), "DEBUG": "1"}
    manage = [str(environment.PYTHON), "backend/manage.py"]
    say(f"generating {PROVIDERS:,} providers")
    subprocess.run(
        [*manage, "generate_dataset", "--providers", str(PROVIDERS), "--seed", "1"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = subprocess.run(
        [str(environment.PYTHON), "bench/load_setup.py"],
        cwd=ROOT,
        env=environment.server_env(),
        check=True,
        capture_output=True,
    )
    return dict(json.loads(out.stdout))


def locust(fixtures: dict[str, Any], seconds: int, folder: Path, label: str) -> Any:
    """Starts locust headless; returns the process."""
    env = {
        **os.environ,
        "LOAD_FIXTURES": json.dumps(fixtures),
        "LOAD_LEDGER": str(folder / f"{label}-ledger.json"),
    }
    command = [
        str(LOCUST),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        BASE,
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "130",
        "--csv",
        str(folder / label),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def summary(folder: Path, label: str) -> dict[str, Any]:
    """The run's aggregated figures (locust's CSV) with its status counts and ledger."""
    with open(folder / f"{label}_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    ledger = json.loads((folder / f"{label}-ledger.json").read_text())
    statuses: dict[str, int] = ledger["statuses"]
    requests_made = int(total["Request Count"])
    return {
        "requests": requests_made,
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "failures": int(total["Failure Count"]),
        "server_errors": sum(n for code, n in statuses.items() if code.startswith("5")),
        "unavailable": statuses.get("503", 0),
        "no_answer": statuses.get("connection error", 0) + statuses.get("0", 0),
        "statuses": statuses,
        "ledger": ledger["ledger"],
        "endpoints": [
            (name, int(row["Request Count"]), row["50%"], row["95%"], row["99%"])
            for name, row in sorted(rows.items())
            if name != "Aggregated"
        ],
    }


def compare(entries: list[dict[str, Any]], earlier: list[str]) -> dict[str, int]:
    """The ledger against the database (`earlier`: the items of the runs before)."""
    bulk = [entry for entry in entries if entry["kind"] == "bulk"]
    pushed = [external_id for entry in bulk for external_id in entry["external_ids"]]
    known = pushed + earlier
    abandoned = sum(1 for entry in entries if entry["kind"] == "bulk-abandoned")
    ratings = [i for entry in entries if entry["kind"] == "self-assessment" for i in entry["ids"]]
    enrolments = [entry["id"] for entry in entries if entry["kind"] == "enrolment"]
    with psycopg.connect(DATABASE_URL) as conn:
        found = dict(
            conn.execute(
                "SELECT external_id, count(*) FROM training_enrolment "
                "WHERE external_id = ANY(%s) GROUP BY external_id",
                [pushed],
            ).fetchall()
        )
        stray = conn.execute(
            "SELECT count(*) FROM training_enrolment WHERE external_id LIKE 'L-%%' "
            "AND NOT (external_id = ANY(%s))",
            [known],
        ).fetchone()
        ratings_found = conn.execute(
            "SELECT count(*) FROM progress_selfassessment WHERE id = ANY(%s)", [ratings]
        ).fetchone()
        enrolments_found = conn.execute(
            "SELECT count(*) FROM training_enrolment WHERE id = ANY(%s)", [enrolments]
        ).fetchone()
    return {
        "bulk items acknowledged": len(pushed),
        "bulk items lost": sum(1 for external_id in pushed if external_id not in found),
        "bulk items duplicated": sum(n - 1 for n in found.values() if n > 1),
        "bulk items written without an acknowledgement": int(stray[0]) if stray else 0,
        "bulk pushes abandoned": abandoned,
        "self-assessments acknowledged": len(ratings),
        "self-assessments lost": len(ratings) - (int(ratings_found[0]) if ratings_found else 0),
        "enrolments acknowledged": len(enrolments),
        "enrolments lost": len(enrolments) - (int(enrolments_found[0]) if enrolments_found else 0),
    }


class Probe(threading.Thread):
    """Reads the API every 0.1 s through the database (the catalogue's version is read on
    every request); keeps (time, good?) for each read."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.reads: list[tuple[float, bool]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                good = (
                    requests.get(f"{BASE}/api/v1/modules/?page_size=1", timeout=5).status_code
                    == 200
                )
            except requests.RequestException:
                good = False
            self.reads.append((time.monotonic(), good))
            time.sleep(0.1)

    def recovery(self, since: float, until: float) -> float | None:
        """Seconds from `since` to the first good read after the last bad one before
        `until` (the next fault, or the end) (None: it never came back)."""
        after = [(at, good) for at, good in self.reads if since <= at < until]
        bad = [at for at, good in after if not good]
        if not bad:
            return 0.0
        back = [at for at, good in after if good and at > bad[-1]]
        return back[0] - since if back else None


def postgres_cluster() -> tuple[str, str]:
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1], "main"


def kill_a_worker(server: subprocess.Popen[bytes]) -> None:
    pids = worker_pids(server)
    os.kill(pids[0], signal.SIGKILL)


def terminate_connections() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


def restart_postgres() -> None:
    version, cluster = postgres_cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"],
        check=True,
        capture_output=True,
    )


def ensure_postgres_running() -> None:
    version, cluster = postgres_cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"],
        check=False,
        capture_output=True,
    )


FAULTS: list[tuple[str, Callable[[subprocess.Popen[bytes]], None]]] = [
    ("a worker killed (SIGKILL)", kill_a_worker),
    ("the app's connections terminated (pg_terminate_backend)", lambda _: terminate_connections()),
    ("PostgreSQL restarted", lambda _: restart_postgres()),
]


def main() -> int:
    redis.Redis.from_url(environment.REDIS_URL).flushdb()
    fixtures = fresh_database()
    server = start_server(THROTTLE_ANON="100000000/min")
    results: dict[str, Any] = {}
    recoveries: list[tuple[str, float | None]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            say(f"steady load: {USERS} clients for {SECONDS} s")
            locust(fixtures, SECONDS, folder, "steady").wait()
            results["steady"] = summary(folder, "steady")
            steady_ledger = results["steady"].pop("ledger")
            results["steady"]["ledger check"] = compare(steady_ledger, [])
            if "--steady-only" in sys.argv:  # trying the load out, leaving the services be
                print(json.dumps(results, indent=1))
                return 0

            say(f"load with faults: {USERS} clients for {FAULT_SECONDS} s")
            probe = Probe()
            probe.start()
            load = locust(fixtures, FAULT_SECONDS, folder, "faults")
            step = FAULT_SECONDS / (len(FAULTS) + 1)
            started = time.monotonic()
            moments = []
            for number, (name, fault) in enumerate(FAULTS, start=1):
                time.sleep(max(0.0, started + number * step - time.monotonic()))
                say(f"fault: {name}")
                moments.append((name, time.monotonic()))
                fault(server)
            load.wait()
            probe.done.set()
            probe.join()
            ends = [moment for _, moment in moments[1:]] + [time.monotonic()]
            recoveries = [
                (name, probe.recovery(moment, end))
                for (name, moment), end in zip(moments, ends, strict=True)
            ]
            results["faults"] = summary(folder, "faults")
            earlier = [
                external_id
                for entry in steady_ledger
                if entry["kind"] == "bulk"
                for external_id in entry["external_ids"]
            ]
            results["faults"]["ledger check"] = compare(results["faults"].pop("ledger"), earlier)
    finally:
        ensure_postgres_running()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return report(results, recoveries)


def report(results: dict[str, Any], recoveries: list[tuple[str, float | None]]) -> int:
    failed = []
    lines = [
        f"Measured on {time.strftime('%Y-%m-%d')}: {machine()}.",
        "",
        f"Command: `make loadtest` (gunicorn, 2 workers; locust, {USERS} clients; "
        f"{PROVIDERS:,} generated providers; steady run {SECONDS} s, run with faults "
        f"{FAULT_SECONDS} s).",
        "",
        "| run | requests | req/s | p50 ms | p95 ms | p99 ms | failures | 5xx | of which 503 "
        "| no answer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, result in results.items():
        lines.append(
            f"| {label} | {result['requests']:,} | {result['rps']:.1f} | {result['p50']:.0f} | "
            f"{result['p95']:.0f} | {result['p99']:.0f} | {result['failures']} | "
            f"{result['server_errors']} | {result['unavailable']} | {result['no_answer']} |"
        )
    lines += [
        "",
        "| steady run, per request | requests | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {n} | {c:,} | {a} | {b} | {d} |" for n, c, a, b, d in results["steady"]["endpoints"]
    ]
    if results["steady"]["server_errors"] or results["steady"]["failures"]:
        failed.append("the steady run had failures or server errors")
    lines += ["", "| ledger against the database | steady | with faults |", "| --- | ---: | ---: |"]
    for key in results["steady"]["ledger check"]:
        steady = results["steady"]["ledger check"][key]
        faults = results["faults"]["ledger check"][key]
        lines.append(f"| {key} | {steady:,} | {faults:,} |")
        if ("lost" in key or "duplicated" in key or "abandoned" in key) and (steady or faults):
            failed.append(f"{key}: {steady} and {faults}")
    lines += ["", "| fault | back to good answers after |", "| --- | ---: |"]
    for name, seconds in recoveries:
        shown = "never" if seconds is None else f"{seconds:.1f} s"
        lines.append(f"| {name} | {shown} |")
        if seconds is None or seconds > RECOVERY_LIMIT:
            failed.append(f"{name}: recovery {shown}")
    lines += ["", "Checks: " + ("all hold." if not failed else "FAILED: " + "; ".join(failed))]
    table = "\n".join(lines)
    print(table)
    text = REPORT.read_text()
    start, end = "<!-- loadtest:start -->", "<!-- loadtest:end -->"
    if start in text:
        text = re.sub(f"{start}.*?{end}", f"{start}\n{table}\n{end}", text, flags=re.S)
    else:
        text += f"\n{start}\n{table}\n{end}\n"
    REPORT.write_text(text)
    say(f"wrote {REPORT.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
