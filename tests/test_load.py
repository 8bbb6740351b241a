"""Load: 20 simulated users at once against `safeguide serve` on loopback; all get cited answers.

Throughput is reported by benchmarks/load.py (`safeguide bench`), not asserted here.
"""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from benchmarks.load import ask_concurrently, free_port, peak_rss_mb, start_app, stop_app

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_twenty_concurrent_users_all_get_cited_answers(real_index: Settings) -> None:
    proc, url = start_app(real_index, free_port())
    try:
        load = ask_concurrently(url, users=20, timeout_s=600)
        print(f"20 users: {load['answers_per_s']:.2f} answers/s, p95 {load['latency_p95_s']:.1f} s, "
              f"peak RSS {peak_rss_mb(proc.pid):.0f} MB")
    finally:
        stop_app(proc)
    assert load["errors"] == []
    assert len(load["answers"]) == 20 and load["cited"] == 20
    for ans in load["answers"]:
        assert "[1]" in ans["answer"] and all(c["verified"] for c in ans["citations"])
