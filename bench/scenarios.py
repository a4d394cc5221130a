"""What `make bench` loads: every scenario of a round, in order, and the skills reports'
scenarios run again with the answer cache off."""

import json
from pathlib import Path
from typing import Any

from environment import SECONDS
from floors import aggregate_floor, completion_rows, insert_floor
from load import (
    LUA_GET,
    LUA_POST_ALTERNATE,
    LUA_POST_PER_THREAD,
    LUA_RANDOM_PROVIDER,
    Scenario,
)

# Providers who come back to their profile in the repeat-visits scenario.
REGULARS = 1000
# Items per push; two pushes at once.
PUSH_ITEMS = 1000
PUSHES_AT_ONCE = 2
GROUPINGS = ("office", "commune")


def scenarios(data: dict[str, Any], partner_token: str, workdir: Path) -> list[Scenario]:
    """One round's scenarios: the floor first, the bulk pushes last, right after their own
    floor (a plain INSERT of as many rows)."""
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
    rows = completion_rows(PUSH_ITEMS * PUSHES_AT_ONCE, data["centre"])
    insert = Scenario(
        f"floor of the bulk pushes: plain INSERT of {PUSH_ITEMS:,} completion rows in one "
        f"transaction, {PUSHES_AT_ONCE} at once",
        "",
        items=PUSH_ITEMS,
        measure=lambda: insert_floor(rows, at_once=PUSHES_AT_ONCE, seconds=SECONDS),
    )
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
        insert,
        Scenario(
            f"POST completions/bulk/ ({PUSH_ITEMS:,} items, {PUSHES_AT_ONCE} at once)",
            "/api/v1/completions/bulk/",
            LUA_POST_PER_THREAD
            % {
                "pairs": ", ".join(pairs),
                "token": partner_token,
                "path": "/api/v1/completions/bulk/",
            },
            items=PUSH_ITEMS,
            slow=True,
            connections=len(pairs),
            written_by=data["centre"],
            primers=primers,
            token=partner_token,
            against=insert,
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
        for group_by in GROUPINGS
    ]


def aggregate_scenarios() -> dict[str, Scenario]:
    """The skills report's floor by each grouping: a plain aggregate over the current levels."""
    return {
        group_by: Scenario(
            f"floor of the skills report: plain aggregate over the current levels by {group_by}",
            "",
            measure=lambda group_by=group_by: aggregate_floor(group_by),  # type: ignore[misc]
        )
        for group_by in GROUPINGS
    }


def fresh_report_scenarios(data: dict[str, Any], floors: dict[str, Scenario]) -> list[Scenario]:
    """The skills reports computed afresh (the server's answer cache off), each against the
    plain aggregate of its grouping."""
    fresh = report_scenarios(data, "computed afresh, REPORT_CACHE_SECONDS=0")
    for group_by, scenario in zip(GROUPINGS, fresh, strict=True):
        scenario.against = floors[group_by]
    return fresh
