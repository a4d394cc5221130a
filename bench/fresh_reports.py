"""Step 7 of `make bench`, beside the wrk load of the reports computed afresh: each skills
report's first answer on a fresh server, and its reads right after writes, timed by curl
(a Python client would add tens of milliseconds reading a report of 9 MB)."""

import random
import statistics
import subprocess
from typing import Any

import requests
from environment import BASE, say
from scenarios import GROUPINGS

AFTER_WRITES = 25


def timed_get(path: str, token: str) -> float:
    """One GET's whole time in ms, as curl measures it."""
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
    for group_by in GROUPINGS:
        times[group_by] = timed_get(f"/api/v1/reports/skills/?group_by={group_by}", data["token"])
        say(f"first report by {group_by} on a fresh worker: {times[group_by]:.1f} ms")
    return times


def after_writes(data: dict[str, Any]) -> dict[str, list[float]]:
    """Each skills report read right after a random provider rated 8 competencies (in ms):
    the skill counts move, and a worker rebuilds the rows of the cells they moved."""
    headers = {"Authorization": f"Bearer {data['token']}"}
    chosen = random.Random(3)
    times: dict[str, list[float]] = {}
    for group_by in GROUPINGS:
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
            f"report by {group_by} after writes: p50 {statistics.median(times[group_by]):.1f} "
            f"ms, slowest {max(times[group_by]):.1f} ms"
        )
    return times
