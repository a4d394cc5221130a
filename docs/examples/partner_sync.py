"""A partner centre's sync with Parcours, end to end (requests only).

    PARCOURS_URL=https://parcours.example.org PARCOURS_CLIENT_ID=… PARCOURS_CLIENT_SECRET=… \
        python partner_sync.py

It gets a token, pushes a session and its 12 participants, retries the push
safely, pushes the completions, polls the change feed, and shows how to verify
a webhook's signature. See docs/integration.md.
"""

import hashlib
import hmac
import os
import sys
import time
import uuid
from typing import Any

import requests


class Parcours:
    """A small client for the partner API."""

    def __init__(self, base_url: str, client_id: str, client_secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        response = self.http.post(
            f"{self.base_url}/o/token/",
            data={"grant_type": "client_credentials"},
            auth=(client_id, client_secret),
            timeout=30,
        )
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base_url}/api/v1/{path}"
        for attempt in range(5):
            try:
                response = self.http.request(method, url, timeout=60, **kwargs)
            except requests.ConnectionError:
                time.sleep(2**attempt)  # the same Idempotency-Key makes the retry safe
                continue
            if response.status_code in (429, 502, 503, 504):
                time.sleep(float(response.headers.get("Retry-After", 2**attempt)))
                continue
            return response
        raise RuntimeError(f"{method} {url}: no answer after 5 attempts")


def push_session(api: Parcours, module_id: int, external_id: str) -> dict[str, Any]:
    """Create the session once (found again by its external id)."""
    found = api.call("GET", "sessions/", params={"external_id": external_id}).json()
    if found["results"]:
        return dict(found["results"][0])
    response = api.call(
        "POST",
        "sessions/",
        json={
            "module": module_id,
            "venue": "Centre de formation",
            "commune": "Saint-Pol-de-Léon",
            "capacity": 12,
            "min_participants": 6,
            "funding": "training_fund",
            "price": 120,
            "external_id": external_id,
            "slots": [
                {"starts_at": "2027-04-06T09:00:00+02:00", "ends_at": "2027-04-06T17:00:00+02:00"}
            ],
        },
    )
    response.raise_for_status()
    return dict(response.json())


def push_enrolments(api: Parcours, session_external_id: str, key: str) -> dict[str, Any]:
    """The 12 participants, matched to providers by e-mail or created."""
    items = [
        {
            "external_id": f"{session_external_id}-E{n}",
            "session": session_external_id,
            "participant": {
                "external_id": f"P{n}",
                "email": f"stagiaire{n}@example.fr",
                "first_name": "Stagiaire",
                "last_name": f"Numéro {n}",
            },
        }
        for n in range(1, 13)
    ]
    response = api.call(
        "POST", "enrolments/bulk/", json={"items": items}, headers={"Idempotency-Key": key}
    )
    response.raise_for_status()
    return {
        "results": response.json()["results"],
        "replayed": response.headers.get("Idempotent-Replayed") == "true",
    }


def push_completions(
    api: Parcours, session_external_id: str, module_code: str, key: str
) -> list[dict[str, Any]]:
    items = [
        {
            "external_id": f"{session_external_id}-C{n}",
            "session": session_external_id,
            "participant": f"P{n}",
            "module": module_code,
            "outcome": "completed" if n % 4 else "attended",
        }
        for n in range(1, 13)
    ]
    response = api.call(
        "POST", "completions/bulk/", json={"items": items}, headers={"Idempotency-Key": key}
    )
    response.raise_for_status()
    return list(response.json()["results"])


def changes(api: Parcours, resource: str, since: str) -> list[dict[str, Any]]:
    """Every record changed since `since`, oldest change first, following the cursor."""
    page = api.call("GET", f"{resource}/", params={"updated_since": since}).json()
    seen = list(page["results"])
    while page["next"]:
        page = api.call("GET", page["next"]).json()
        seen += page["results"]
    return seen


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Check a webhook's `Parcours-Signature: t=…,v1=…` header against its raw body."""
    parts = dict(part.split("=", 1) for part in header.split(","))
    if abs(time.time() - int(parts["t"])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def main(
    base_url: str, client_id: str, client_secret: str, module_code: str = "WS-INSTAGRAM"
) -> dict[str, Any]:
    api = Parcours(base_url, client_id, client_secret)
    modules = api.call("GET", "modules/", params={"search": module_code}).json()["results"]
    module = next(m for m in modules if m["code"] == module_code)
    session = push_session(api, module["id"], "CFL-2027-INSTA-1")
    if session["status"] == "draft":
        api.call("POST", f"sessions/{session['id']}/open/")  # providers may now enrol
    key = str(uuid.uuid4())
    first = push_enrolments(api, session["external_id"], key)
    retry = push_enrolments(api, session["external_id"], key)  # e.g. after a timeout
    api.call("POST", f"sessions/{session['id']}/confirm/")
    completions = push_completions(api, session["external_id"], module_code, str(uuid.uuid4()))
    feed = changes(api, "enrolments", "2000-01-01T00:00:00Z")
    return {
        "session": session,
        "enrolments": first,
        "retry": retry,
        "completions": completions,
        "feed": feed,
    }


if __name__ == "__main__":
    outcome = main(
        os.environ["PARCOURS_URL"],
        os.environ["PARCOURS_CLIENT_ID"],
        os.environ["PARCOURS_CLIENT_SECRET"],
    )
    created = sum(r["result"] == "created" for r in outcome["enrolments"]["results"])
    sys.stdout.write(
        f"session {outcome['session']['id']}: {created} enrolments created, "
        f"retry replayed: {outcome['retry']['replayed']}, "
        f"{len(outcome['completions'])} completions, {len(outcome['feed'])} changes seen\n"
    )
