"""`safeguide ask` end to end, each in a new process as a user types it: cold (no server, so the
question is answered in-process) and with `safeguide serve` running (answered by the server,
assistant/remote.py). Medians of runs, with the 1-minute load average before and after.

Run: `python -m benchmarks.cli_ask [--runs 5] [--json OUT]` (also part of `safeguide bench`).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

from assistant.discovery import find_server
from assistant.settings import Settings
from benchmarks import bench_main, load

QUESTION = "How long can a social care assessment take?"
SERVED = "answered by the server"


def time_asks(settings: Settings, runs: int, served: bool) -> list[float]:
    """Seconds for each `safeguide -v ask QUESTION`; checks who answered."""
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "assistant.cli", "-v", "ask", QUESTION],
                             env=load.app_env(settings), capture_output=True, text=True, timeout=600)
        seconds.append(time.perf_counter() - t0)
        if out.returncode != 0 or (SERVED in out.stderr) != served:
            raise RuntimeError(f"ask {'not ' if served else ''}answered by a server: {out.stderr[-500:]}")
    return seconds


def run(settings: Settings, runs: int = 5) -> dict[str, Any]:
    if find_server(settings) is not None:
        raise RuntimeError("a safeguide server already runs for this home: stop it to time a cold ask")
    load_before = os.getloadavg()[0]
    cold = time_asks(settings, runs, served=False)
    proc, _url = load.start_app(settings, load.free_port())
    try:
        served = time_asks(settings, runs, served=True)
        server_rss = load.peak_rss_mb(proc.pid)
    finally:
        load.stop_app(proc)
    return {"cli_cold_ask_s": statistics.median(cold), "cli_cold_ask_runs_s": cold,
            "cli_served_ask_s": statistics.median(served), "cli_served_ask_runs_s": served,
            "cli_server_peak_rss_mb": server_rss,
            "cli_load_average_1m": [load_before, os.getloadavg()[0]]}


def main(argv: list[str] | None = None) -> int:
    return bench_main(__doc__, "runs", 5, lambda runs: run(Settings(), runs), argv)


if __name__ == "__main__":
    raise SystemExit(main())
