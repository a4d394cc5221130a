"""Step 6 of `make bench`: the CSV of every provider, and what serving it adds to a
worker's memory."""

import subprocess
import threading
import time

import requests
from environment import BASE
from server import memory_kb, worker_pids


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
