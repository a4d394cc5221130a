"""`make bench`: Parcours under a production server against its floor, on PostgreSQL.

1. Makes sure the bench database holds the generated data set (`BENCH_PROVIDERS`
   providers, seed 1), prepares logins, a partner client and payloads, and vacuums
   the database.
2. Serves the API with gunicorn (2 workers, DEBUG off) on 127.0.0.1, with the
   floor beside it: a bare Django view answering a fixed ~50-row JSON.
3. Loads each scenario with wrk in interleaved rounds (every scenario once per
   round), and keeps each figure's median over the rounds.
4. Prints the table, with each figure's ratio to the floor, and writes it with the
   machine, the data set and the command to docs/performance.md.
"""

import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_bench"
)
PROVIDERS = int(os.environ.get("BENCH_PROVIDERS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# Providers who come back to their profile in the repeat-visits scenario.
REGULARS = 1000
# The shared cache, as in production with several server processes (emptied first).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BASE = f"http://127.0.0.1:{PORT}"
REPORT = ROOT / "docs" / "performance.md"


SECRET_KEY = secrets.token_urlsafe(50)


def server_env() -> dict[str, str]:
    """Production settings; the setup signs its token with the same key."""
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "JWT_ACCESS_MINUTES": "240",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DB_CONN_MAX_AGE": "600",
        "REDIS_URL": REDIS_URL,
        # Rates are counted as in production, with limits no scenario reaches.
        "THROTTLE_USER": "100000000/min",
        "THROTTLE_ANON": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'backend'}",
    }


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


# --- The data set ------------------------------------------------------------


def migrated_database(*, fresh: bool = False) -> None:
    """Create DATABASE_URL's database (dropped first when `fresh`), and migrate it."""
    url = DATABASE_URL.replace("postgres://", "postgresql://", 1)
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    subprocess.run(
        [str(PYTHON), "backend/manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def ensure_database() -> None:
    """Create the bench database, migrate it, and generate the data set unless it is there."""
    url = DATABASE_URL.replace("postgres://", "postgresql://", 1)
    name = url.rsplit("/", 1)[1]
    migrated_database()
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    manage = [str(PYTHON), "backend/manage.py"]
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM people_provider WHERE email LIKE %s",
            ["%@dataset.parcours.example"],
        ).fetchone()
    generated = row[0] if row else 0
    if generated == PROVIDERS:
        say(f"the data set of {PROVIDERS:,} providers is in place")
        return
    if generated:
        raise SystemExit(
            f"bench: {name} holds {generated:,} generated providers, not {PROVIDERS:,}: "
            "drop the database or set BENCH_PROVIDERS."
        )
    say(f"generating {PROVIDERS:,} providers (once; later runs reuse them)")
    subprocess.run(
        [*manage, "generate_dataset", "--providers", str(PROVIDERS), "--seed", "1"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    vacuum()


def vacuum() -> None:
    """Vacuum and analyse the database before the load. A production server's autovacuum
    clears the dead rows of writes as they go; the local one may run without it (this
    machine's does), and every run's pushes leave 2,000 dead rows per push behind. So each
    run starts from the same state, not from the dead rows of the runs before."""
    url = DATABASE_URL.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def prepare() -> dict[str, Any]:
    out = subprocess.run(
        [str(PYTHON), "bench/setup.py"], cwd=ROOT, env=server_env(), check=True, capture_output=True
    )
    return dict(json.loads(out.stdout))


# --- The server --------------------------------------------------------------


def start_server(**settings: str) -> subprocess.Popen[bytes]:
    command = [
        str(GUNICORN),
        "config.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--chdir",
        str(ROOT / "backend"),
        "--env",
        "DJANGO_SETTINGS_MODULE=bench.settings",
        "--log-level",
        "warning",
    ]
    env = {**server_env(), **settings}
    server = subprocess.Popen(command, env=env, start_new_session=True)
    for _ in range(100):
        try:
            if requests.get(f"{BASE}/health/", timeout=5).status_code == 200:
                return server
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    server.kill()
    raise SystemExit("bench: the server did not start")


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in out.stdout.split()]


def memory_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


# --- Load --------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    path: str
    lua: str = ""
    items: int = 1  # records per request, for throughput in items/s
    floor: bool = False
    slow: bool = False  # one connection, longer runs: enough requests for a median
    connections: int = 0  # for a slow one: that many, each on its own wrk thread
    # Items written, counted in the database (the centre's new completion rows) rather than
    # taken from the requests: an item refused is not counted.
    written_by: int | None = None
    # Sent once before each run (a POST to `path` with this token): each pair's first push,
    # so that every push of the run, starting with the pair's second, changes its records.
    primers: list[Path] = field(default_factory=list)
    token: str = ""
    results: list[dict[str, float]] = field(default_factory=list)


LUA_RANDOM_PROVIDER = """
math.randomseed(%(seed)d + os.time())  -- other providers in each round, as on a live service
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  return wrk.format("GET", string.format("%(template)s", math.random(%(low)d, %(high)d)))
end
"""

# POSTs of `bodies` in turn, as the scripts below read them.
LUA_POST_BODIES = """
local n = 0
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format("POST", "%(path)s", nil, bodies[(n %% #bodies) + 1])
end
"""

LUA_POST_ALTERNATE = (
    """
local bodies = {}
for i, name in ipairs({%(files)s}) do
  local f = assert(io.open(name, "r")); bodies[i] = f:read("*a"); f:close()
end
"""
    + LUA_POST_BODIES
)

# One pair of pushes per thread (one connection each): the threads write different records.
LUA_POST_PER_THREAD = (
    """
local pushes = {%(pairs)s}
local started = 0
threads = {}
function setup(thread)
  started = started + 1
  thread:set("index", started)
  table.insert(threads, thread)
end
local bodies = {}
function init(args)
  for i, name in ipairs(pushes[index]) do
    local f = assert(io.open(name, "r")); bodies[i] = f:read("*a"); f:close()
  end
end
"""
    + LUA_POST_BODIES
    + """
-- Each push of the pair is the one after the last answered, not after the last asked
-- for: wrk asks the first thread's script for one request more than it sends (to check
-- it), which would make that thread's first push the one already written (unchanged).
request = function()
  return wrk.format("POST", "%(path)s", nil, bodies[((n + 1) %% #bodies) + 1])
end
-- Items answered without being written (an error, or unchanged), and the first one.
item_errors = 0
first_error = ""
function response(status, headers, body)
  n = n + 1
  local _, refused = body:gsub('"result":"error"', "")
  local _, unchanged = body:gsub('"result":"unchanged"', "")
  if refused + unchanged > 0 then
    item_errors = item_errors + refused + unchanged
    if first_error == "" then
      first_error = body:match('{[^{}]*"result":"error"[^{}]*}')
        or body:match('{[^{}]*"result":"unchanged"[^{}]*}') or ""
    end
  end
end
"""
)

LUA_GET = """
wrk.headers["Authorization"] = "Bearer %(token)s"
"""

LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status
    + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
  if threads then
    local count, first = 0, ""
    for _, thread in ipairs(threads) do
      count = count + thread:get("item_errors")
      if first == "" then first = thread:get("first_error") end
    end
    io.write(string.format("ITEM_ERRORS %d %s\\n", count, first))
  end
end
"""


def written(scenario: Scenario) -> int:
    """The completion rows of the scenario's centre: one more for each item it wrote (a
    correction adds the new record and voids the old one). Requests wrk left unanswered are
    served first, so that every write is counted."""
    if scenario.written_by is None:
        return 0
    drain()
    with psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM training_completion WHERE source_centre_id = %s",
            [scenario.written_by],
        ).fetchone()
    return int(row[0]) if row else 0


def run_wrk(scenario: Scenario, workdir: Path) -> dict[str, float]:
    script = workdir / f"{re.sub(r'[^a-z0-9]+', '-', scenario.name.lower())}.lua"
    script.write_text(scenario.lua + LUA_DONE)
    connections, seconds = (1, max(SECONDS, 15)) if scenario.slow else (CONNECTIONS, SECONDS)
    threads = scenario.connections or 1
    connections = scenario.connections or connections
    for body in scenario.primers:
        requests.post(
            f"{BASE}{scenario.path}",
            data=body.read_bytes(),
            headers={
                "Authorization": f"Bearer {scenario.token}",
                "Content-Type": "application/json",
            },
            timeout=120,
        ).raise_for_status()
    before = written(scenario)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"{BASE}{scenario.path}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    drain()
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if match is None:
        raise SystemExit(f"bench: wrk gave no result for {scenario.name}:\n{out}")
    requests_done, duration_us, p50_us, p99_us, errors = map(int, match.groups())
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    item_errors = re.search(r"ITEM_ERRORS (\d+) (.*)", out)
    if item_errors and int(item_errors.group(1)):
        say(
            f"{scenario.name}: {item_errors.group(1)} items not written, "
            f"first: {item_errors.group(2)}"
        )
    items = written(scenario) - before
    refused = max(requests_done * scenario.items - items, 0) if scenario.written_by else 0
    return {
        "items": items / (duration_us / 1e6) if scenario.written_by else 0.0,
        "refused": refused,
        "rps": requests_done / (duration_us / 1e6),
        "p50": p50_us / 1000,
        "p99": p99_us / 1000,
        "errors": errors + (int(statuses.group(1)) if statuses else 0),
        "requests": requests_done,
    }


def drain() -> None:
    """Wait until the requests wrk left behind are served, so the next scenario starts idle."""
    for _ in range(600):
        started = time.perf_counter()
        requests.get(f"{BASE}/health/", timeout=600)
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.1)


def scenarios(data: dict[str, Any], partner_token: str, workdir: Path) -> list[Scenario]:
    token = data["token"]
    pairs, primers = [], []
    for pair, bodies in enumerate(data["pushes"]):
        names = []
        for index, body in enumerate(bodies):
            path = workdir / f"push-{pair}-{index}.json"
            path.write_text(json.dumps(body))
            names.append(f'"{path}"')
            if index == 0:
                primers.append(path)
        pairs.append("{" + ", ".join(names) + "}")
    ratings = []
    competencies = data["competencies"][:8]
    for index in range(16):
        provider = data["provider_low"] + index
        path = workdir / f"ratings-{index}.json"
        path.write_text(
            json.dumps(
                [
                    {"provider": provider, "competency": c, "level": (index + n) % 4}
                    for n, c in enumerate(competencies)
                ]
            )
        )
        ratings.append(f'"{path}"')
    provider = {"token": token, "low": data["provider_low"], "high": data["provider_high"]}
    return [
        Scenario("floor: bare Django JsonResponse (50 rows)", "/bench/floor/", floor=True),
        Scenario("GET modules/ (page of 50)", "/api/v1/modules/?page_size=50"),
        Scenario(
            "GET providers/{id}/progress/",
            "/",
            LUA_RANDOM_PROVIDER
            % {**provider, "seed": 7, "template": "/api/v1/providers/%d/progress/"},
        ),
        Scenario(
            f"GET providers/{{id}}/progress/ (repeat visits among {REGULARS:,} providers)",
            "/",
            LUA_RANDOM_PROVIDER
            % {
                **provider,
                "high": provider["low"] + REGULARS - 1,
                "seed": 5,
                "template": "/api/v1/providers/%d/progress/",
            },
        ),
        Scenario(
            "GET self-assessments/?provider= (first page)",
            "/",
            LUA_RANDOM_PROVIDER
            % {**provider, "seed": 11, "template": "/api/v1/self-assessments/?provider=%d"},
        ),
        Scenario("GET self-assessments/ (first page)", "/api/v1/self-assessments/", LUA_GET % data),
        Scenario(
            f"GET self-assessments/ (page at {data['deep_position']:,})",
            f"/api/v1/self-assessments/?cursor={data['deep_cursor']}",
            LUA_GET % data,
        ),
        *report_scenarios(data, "served again for a minute"),
        Scenario(
            "POST self-assessments/ (8 ratings)",
            "/api/v1/self-assessments/",
            LUA_POST_ALTERNATE
            % {"files": ", ".join(ratings), "token": token, "path": "/api/v1/self-assessments/"},
        ),
        Scenario(
            "POST completions/bulk/ (1,000 items, 2 at once)",
            "/api/v1/completions/bulk/",
            LUA_POST_PER_THREAD
            % {
                "pairs": ", ".join(pairs),
                "token": partner_token,
                "path": "/api/v1/completions/bulk/",
            },
            items=1000,
            slow=True,
            connections=len(pairs),
            written_by=data["centre"],
            primers=primers,
            token=partner_token,
        ),
    ]


def report_scenarios(data: dict[str, Any], how: str) -> list[Scenario]:
    return [
        Scenario(
            f"GET reports/skills/?group_by={group_by} ({how})",
            f"/api/v1/reports/skills/?group_by={group_by}",
            LUA_GET % data,
            slow=True,
        )
        for group_by in ("office", "commune")
    ]


def timed_get(path: str, token: str) -> float:
    """One GET's whole time in ms, as curl measures it: a Python client would add tens of
    milliseconds reading a report of 9 MB."""
    out = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--fail",
            "--output",
            "/dev/null",
            "--write-out",
            "%{time_total}",
            "--header",
            f"Authorization: Bearer {token}",
            f"{BASE}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out) * 1000


def first_answers(data: dict[str, Any]) -> dict[str, float]:
    """Each skills report's first answer on a fresh server (in ms): its worker has built
    no row yet (reports.skills.RowsBuiltLast), so it builds every one."""
    times = {}
    for group_by in ("office", "commune"):
        times[group_by] = timed_get(f"/api/v1/reports/skills/?group_by={group_by}", data["token"])
        say(f"first report by {group_by} on a fresh worker: {times[group_by]:.1f} ms")
    return times


AFTER_WRITES = 25


def after_writes(data: dict[str, Any]) -> dict[str, list[float]]:
    """Each skills report read right after a random provider rated 8 competencies (in ms):
    the kept counts move, and a worker rebuilds the rows of the cells they moved."""
    headers = {"Authorization": f"Bearer {data['token']}"}
    chosen = random.Random(3)
    times: dict[str, list[float]] = {}
    for group_by in ("office", "commune"):
        times[group_by] = []
        for _ in range(AFTER_WRITES):
            provider = chosen.randint(data["provider_low"], data["provider_high"])
            ratings = [
                {"provider": provider, "competency": competency, "level": chosen.randint(0, 3)}
                for competency in data["competencies"][:8]
            ]
            requests.post(
                f"{BASE}/api/v1/self-assessments/", json=ratings, headers=headers, timeout=60
            ).raise_for_status()
            path = f"/api/v1/reports/skills/?group_by={group_by}"
            times[group_by].append(timed_get(path, data["token"]))
        say(
            f"report by {group_by} after writes: p50 {median(times[group_by]):.1f} ms, "
            f"slowest {max(times[group_by]):.1f} ms"
        )
    return times


def partner_token(data: dict[str, Any]) -> str:
    response = requests.post(
        f"{BASE}/o/token/",
        data={"grant_type": "client_credentials"},
        auth=(data["client_id"], data["client_secret"]),
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def export(server: subprocess.Popen[bytes], token: str) -> dict[str, float]:
    """The CSV of every provider: time, size, and how far the workers' memory rose while
    it was served (resident size sampled every 20 ms, against its value just before)."""
    pids = worker_pids(server)
    before = {pid: memory_kb(pid, "VmRSS") for pid in pids}
    peak = dict(before)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], memory_kb(pid, "VmRSS"))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    size = 0
    try:
        with requests.get(
            f"{BASE}/api/v1/providers/?format=csv",
            headers={"Authorization": f"Bearer {token}"},
            stream=True,
            timeout=600,
        ) as response:
            response.raise_for_status()
            for chunk in response.iter_content(1 << 16):
                size += len(chunk)
    finally:
        done.set()
        sampler.join()
    elapsed = time.perf_counter() - started
    growth = max(peak[pid] - before[pid] for pid in pids)
    return {"seconds": elapsed, "megabytes": size / 1e6, "peak_growth_mb": growth / 1024}


# --- Report ------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    with psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    version = row[0] if row else "?"
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {version}"
    )


def table(rows: list[Scenario], floor_rps: float) -> list[str]:
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
        lines.append(
            f"| {s.name} | {rps:,.1f} | {items} | {rps / floor_rps:.3f} | "
            f"{median([r['p50'] for r in s.results]):.1f} | "
            f"{median([r['p99'] for r in s.results]):.1f} | "
            f"{int(sum(r['errors'] + r.get('refused', 0) for r in s.results))} |"
        )
    return lines


def main() -> None:
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        say("installing wrk from Debian's packages")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")
    ensure_database()
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
                    result = run_wrk(scenario, Path(tmp))
                    scenario.results.append(result)
                    say(
                        f"round {number}/{ROUNDS} {scenario.name}: {result['rps']:.1f} req/s, "
                        f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms"
                    )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    # Then every report computed afresh: the same server with the answer cache off.
    fresh = report_scenarios(data, "computed afresh, REPORT_CACHE_SECONDS=0")
    server = start_server(REPORT_CACHE_SECONDS="0")
    try:
        firsts = first_answers(data)
        with tempfile.TemporaryDirectory() as tmp:
            for scenario in fresh:
                scenario.results.append(run_wrk(scenario, Path(tmp)))
                result = scenario.results[-1]
                say(f"{scenario.name}: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms")
        written = after_writes(data)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    floor_rps = median([r["rps"] for r in runs[0].results])
    lines = table([*runs, *fresh], floor_rps)
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
    print("\n".join(lines))
    write_report(lines, data)


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
            "answer cache off).",
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


if __name__ == "__main__":
    sys.exit(main())
