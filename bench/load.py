"""Step 5 of `make bench`: one scenario loaded by wrk (or, for a floor measured in the
database, by its own function), and its figures."""

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from environment import BASE, CONNECTIONS, SECONDS, postgres_url, say
from server import drain

Figures = dict[str, float]


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
    # Measured without wrk (a floor in the database): returns the figures wrk would.
    measure: Callable[[], Figures] | None = None
    # The floor of this scenario's target, measured in the same run (bulk items per second
    # against a plain INSERT, a report's time against a plain aggregate).
    against: "Scenario | None" = None
    results: list[Figures] = field(default_factory=list)


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
    with psycopg.connect(postgres_url()) as conn:
        row = conn.execute(
            "SELECT count(*) FROM training_completion WHERE source_centre_id = %s",
            [scenario.written_by],
        ).fetchone()
    return int(row[0]) if row else 0


def run_scenario(scenario: Scenario, workdir: Path) -> Figures:
    """The scenario's figures for one run: by its own measure, or loaded by wrk."""
    if scenario.measure is not None:
        return scenario.measure()
    return run_wrk(scenario, workdir)


def run_wrk(scenario: Scenario, workdir: Path) -> Figures:
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
