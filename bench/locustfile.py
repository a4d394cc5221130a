"""The load test's clients (run by `bench/loadtest.py`; see docs/reliability.md).

A realistic mix on a live service: anonymous catalogue reads; providers reading their
progress and the upcoming sessions, rating themselves and enrolling; coordinators
reading the skills report; partner centres pushing enrolments in bulk. A partner's push
carries an `Idempotency-Key` and is retried with the same key until it gets an answer,
as `docs/integration.md` asks of partners. Every acknowledged write goes to a ledger
that `loadtest.py` compares with the database afterwards.
"""

import json
import os
import random
import threading
import time
import uuid
from collections import Counter
from typing import Any

from locust import HttpUser, between, events, task

FIXTURES: dict[str, Any] = json.loads(os.environ["LOAD_FIXTURES"])
LEDGER_PATH = os.environ["LOAD_LEDGER"]
ITEMS_PER_PUSH = 20
RETRY_FOR_SECONDS = 120.0

statuses: Counter[str] = Counter()
ledger: list[dict[str, Any]] = []
lock = threading.Lock()


def note(status: int | str) -> None:
    with lock:
        statuses[str(status)] += 1


def acknowledged(kind: str, **entry: Any) -> None:
    with lock:
        ledger.append({"kind": kind, **entry})


@events.request.add_listener
def on_request(response: Any, exception: Any, **kwargs: Any) -> None:
    note("connection error" if exception and response.status_code == 0 else response.status_code)


@events.test_stop.add_listener
def on_stop(**kwargs: Any) -> None:
    with open(LEDGER_PATH, "w") as out:
        json.dump({"statuses": dict(statuses), "ledger": ledger}, out)


class Visitor(HttpUser):
    """Someone browsing the catalogue, signed out."""

    weight = 3
    wait_time = between(0.5, 2)

    @task(3)
    def modules(self) -> None:
        self.client.get("/api/v1/modules/?page_size=50", name="GET modules/")

    @task(1)
    def competencies(self) -> None:
        self.client.get("/api/v1/competencies/", name="GET competencies/")


class Learner(HttpUser):
    """A provider signed in on their phone."""

    weight = 5
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        login = random.choice(FIXTURES["providers"])
        self.client.headers["Authorization"] = f"Bearer {login['token']}"
        self.provider = login["provider"]
        self.sessions = list(FIXTURES["sessions"])
        random.shuffle(self.sessions)

    @task(6)
    def progress(self) -> None:
        self.client.get("/api/v1/providers/me/progress/", name="GET providers/me/progress/")

    @task(2)
    def upcoming(self) -> None:
        self.client.get("/api/v1/sessions/?status=open", name="GET sessions/")

    @task(2)
    def rate(self) -> None:
        ratings = [
            {"competency": competency, "level": random.randint(0, 3)}
            for competency in random.sample(FIXTURES["competencies"], 3)
        ]
        with self.client.post(
            "/api/v1/self-assessments/",
            json=ratings,
            name="POST self-assessments/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                ids = [rating["id"] for rating in response.json()]
                acknowledged("self-assessment", ids=ids, provider=self.provider)

    @task(1)
    def enrol(self) -> None:
        if not self.sessions:
            return
        session = self.sessions.pop()
        with self.client.post(
            "/api/v1/enrolments/",
            json={"session": session},
            name="POST enrolments/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                acknowledged("enrolment", id=response.json()["id"])
            elif response.status_code == 400 and "duplicate" in response.text:
                response.success()  # another client of the same login got there first


class Coordinator(HttpUser):
    """The office's dashboard."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {FIXTURES['coordinator']}"

    @task
    def report(self) -> None:
        self.client.get("/api/v1/reports/skills/?group_by=office", name="GET reports/skills/")


class PartnerCentre(HttpUser):
    """A partner centre's software pushing its enrolments, with retries."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        response = self.client.post(
            "/o/token/",
            data={"grant_type": "client_credentials"},
            auth=(FIXTURES["client_id"], FIXTURES["client_secret"]),
            name="POST o/token/",
        )
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    @task
    def push(self) -> None:
        batch = uuid.uuid4().hex[:12]
        items = [
            {
                "external_id": f"L-{batch}-{n}",
                "session": random.choice(FIXTURES["partner_sessions"]),
                "participant": {
                    "external_id": f"LP-{batch}-{n}",
                    "email": f"{batch}-{n}@load.parcours.example",
                    "first_name": "Charge",
                    "last_name": f"Test {n}",
                },
            }
            for n in range(ITEMS_PER_PUSH)
        ]
        key = str(uuid.uuid4())
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        while True:
            with self.client.post(
                "/api/v1/enrolments/bulk/",
                json={"items": items},
                headers={"Idempotency-Key": key},
                name="POST enrolments/bulk/",
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    results = response.json()["results"]
                    acknowledged(
                        "bulk",
                        key=key,
                        external_ids=[item["external_id"] for item in items],
                        results=[result["result"] for result in results],
                        replayed=response.headers.get("Idempotent-Replayed") == "true",
                    )
                    return
                if time.monotonic() > deadline:
                    acknowledged("bulk-abandoned", key=key, status=response.status_code)
                    return
            time.sleep(0.5)  # no answer, a 5xx or a twin still running: retry, same key
