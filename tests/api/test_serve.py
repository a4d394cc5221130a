"""`make serve`: the API under gunicorn in production mode, static files included."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    port = free_port()
    folder = tmp_path_factory.mktemp("serve")
    env = {
        **os.environ,
        "PORT": str(port),
        "WORKERS": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'serve.sqlite3'}",
        "SECRET_KEY": "a-test-key-" + "x" * 50,
    }
    env.pop("DEBUG", None)
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/health/", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not up, or still booting
                time.sleep(0.3)
        else:
            pytest.fail("make serve did not answer within 120 s")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
        assert "Booting worker" in output or "Listening at" in output, output[-2000:]


def test_the_api_answers(served):  # type: ignore[no-untyped-def]
    response = requests.get(f"{served}/api/v1/modules/", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"


def test_static_files_are_served_compressed_and_cached(served):  # type: ignore[no-untyped-def]
    response = requests.get(
        f"{served}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        headers={"Accept-Encoding": "gzip"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age" in response.headers["Cache-Control"]
    docs = requests.get(f"{served}/api/docs/", timeout=5)
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text


def test_debug_is_off(served):  # type: ignore[no-untyped-def]
    response = requests.get(f"{served}/nowhere", timeout=5)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    browsable = requests.get(
        f"{served}/api/v1/modules/", headers={"Accept": "text/html"}, timeout=5
    )
    assert browsable.status_code == 406  # no browsable API in production
