"""CI gate: the sealed test split through the real assistant must meet every floor."""

from __future__ import annotations

from typing import Any

import pytest

from evals.scorer import FLOORS_PATH, TEST_PATH, check_floors, load_floors, load_golden, run_eval

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_test_split_meets_floors(real_assistant: Any) -> None:
    """`real_assistant` (tests/conftest.py): an Assistant over the fully ingested real corpus.
    The floors were measured on the test split, which nothing is tuned on (evals/README.md)."""
    floors = load_floors(FLOORS_PATH)
    assert floors.get("golden") == TEST_PATH.name, "floors must come from a run of the test split"
    assert floors.get("retriever") in ("hybrid", "dense"), floors.get("retriever")
    k = int(floors.get("k", 5))
    top_k = real_assistant.settings.top_k
    assert top_k == k, f"floors are for k={k}; the assistant retrieves {top_k}"
    result = run_eval(real_assistant, load_golden(TEST_PATH), k=k,
                      mode=floors.get("retriever", "hybrid"), progress=False, golden=str(TEST_PATH))
    misses = check_floors(result.metrics, floors)
    failures = "\n".join(f"  {f.id} [{f.kind}]: {'; '.join(f.failed)}" for f in result.failures)
    assert not misses, ("Metrics below their floors:\n  " + "\n  ".join(misses)
                        + f"\n{len(result.failures)} failing items:\n{failures}")
