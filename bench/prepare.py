"""Step 3 of `make bench`: what the load needs (bench/setup.py prepares it in the
database and prints it), and the partner centre's OAuth2 token, asked of the server."""

import json
import subprocess
from typing import Any

import requests
from environment import BASE, PYTHON, ROOT, server_env


def prepare() -> dict[str, Any]:
    """The coordinator's token, the partner client, the pushes, ids and counts."""
    out = subprocess.run(
        [str(PYTHON), "bench/setup.py"], cwd=ROOT, env=server_env(), check=True, capture_output=True
    )
    return dict(json.loads(out.stdout))


def partner_token(data: dict[str, Any]) -> str:
    """An access token of the partner client, from the running server."""
    response = requests.post(
        f"{BASE}/o/token/",
        data={"grant_type": "client_credentials"},
        auth=(data["client_id"], data["client_secret"]),
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
