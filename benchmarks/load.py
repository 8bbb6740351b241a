"""Web-app load and memory: start `safeguide serve` as its own process, warm it, send N concurrent
simulated users through the HTTP API (gradio_client, loopback only), report throughput and the
app's peak RSS (VmHWM from /proc).

Run: `python -m benchmarks.load [--users 20] [--json OUT]` (also part of `safeguide bench`).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from assistant.settings import PROJECT_ROOT, Settings
from benchmarks import bench_main

QUESTIONS = [
    "How long can a social care assessment take from the point of referral?",
    "Who are the safeguarding partners?",
    "What is early help?",
    "What should happen at a strategy discussion?",
    "What is the role of the designated safeguarding lead?",
    "When should a child protection conference be held?",
    "What are the seven golden rules for sharing information?",
    "What should staff do if they have concerns about a child?",
    "What is a section 47 enquiry?",
    "Who should attend a strategy discussion?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(settings: Settings) -> dict[str, str]:
    """The environment of a `safeguide` process on these settings' home, corpus and store."""
    env = {**os.environ, "SAFEGUIDE_HOME": str(settings.home), "SAFEGUIDE_CORPUS": str(settings.corpus),
           "PYTHONPATH": str(PROJECT_ROOT), "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if settings.chroma_url:
        env["SAFEGUIDE_CHROMA_URL"] = settings.chroma_url
    return env


def start_app(settings: Settings, port: int, timeout_s: float = 180.0) -> tuple[subprocess.Popen, str]:
    """`safeguide serve` on loopback in its own process; returns once it answers HTTP."""
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1",
                             "--port", str(port)], env=app_env(settings), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}config", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"the web app did not start (exit {proc.poll()})") from None
            time.sleep(0.5)


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size of a live process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ask_concurrently(url: str, users: int, timeout_s: float = 600.0) -> dict[str, Any]:
    """Each simulated user has its own client and asks one question; all at once."""
    from gradio_client import Client

    def one(i: int) -> tuple[float, dict[str, Any] | None, str]:
        t = time.perf_counter()
        try:
            ans = Client(url, verbose=False).predict(QUESTIONS[i % len(QUESTIONS)], "current", "",
                                                     api_name="/ask")
            return time.perf_counter() - t, dict(ans), ""
        except Exception as exc:  # report every failure, never hide one
            return time.perf_counter() - t, None, f"{type(exc).__name__}: {exc}"

    start = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        results = list(pool.map(one, range(users), timeout=timeout_s))
    seconds = time.perf_counter() - start
    answers = [a for _, a, _ in results if a is not None]
    cited = [a for a in answers if not a.get("abstained") and a.get("citations")]
    lat = [t for t, _, _ in results]
    return {"users": users, "answers": answers, "errors": [e for _, _, e in results if e],
            "cited": len(cited), "seconds": seconds, "answers_per_s": len(answers) / seconds,
            "latency_p50_s": statistics.median(lat), "latency_p95_s": float(np.percentile(lat, 95))}


def run(settings: Settings, users: int = 20) -> dict[str, Any]:
    proc, url = start_app(settings, free_port())
    try:
        from gradio_client import Client

        warm = Client(url, verbose=False)
        for q in QUESTIONS[:3]:
            warm.predict(q, "current", "", api_name="/ask")
        load = ask_concurrently(url, users)
        rss = peak_rss_mb(proc.pid)
    finally:
        stop_app(proc)
    return {"web_users": users, "web_errors": len(load["errors"]), "web_cited": load["cited"],
            "web_answers_per_s": load["answers_per_s"], "web_latency_p50_s": load["latency_p50_s"],
            "web_latency_p95_s": load["latency_p95_s"], "web_peak_rss_mb": rss}


def main(argv: list[str] | None = None) -> int:
    return bench_main(__doc__, "users", 20, lambda users: run(Settings(), users), argv)


if __name__ == "__main__":
    raise SystemExit(main())
