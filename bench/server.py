"""Step 4 of `make bench`: the API under gunicorn (2 workers, production settings, the
floor view beside it), and what the other steps read of it."""

import os
import signal
import subprocess
import time
from pathlib import Path

import requests
from environment import BASE, GUNICORN, PORT, ROOT, server_env


def start_server(**settings: str) -> subprocess.Popen[bytes]:
    """gunicorn serving bench.settings, once it answers its health check."""
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


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def drain() -> None:
    """Wait until the requests wrk left behind are served, so the next scenario starts idle."""
    for _ in range(600):
        started = time.perf_counter()
        requests.get(f"{BASE}/health/", timeout=600)
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.1)


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in out.stdout.split()]


def memory_kb(pid: int, key: str) -> int:
    """A line of /proc/<pid>/status (VmRSS, VmHWM), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0
