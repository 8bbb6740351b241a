"""CI gate: the whole golden set through the real assistant must meet every floor."""

from __future__ import annotations

from typing import Any

import pytest

from evals.scorer import FLOORS_PATH, GOLDEN_PATH, check_floors, load_floors, load_golden, run_eval

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_golden_set_meets_floors(real_assistant: Any) -> None:
    """`real_assistant` (tests/conftest.py): an Assistant over the fully ingested real corpus."""
    floors = load_floors(FLOORS_PATH)
    k = int(floors.get("k", 5))
    top_k = real_assistant.settings.top_k
    assert top_k == k, f"floors are for k={k}; the assistant retrieves {top_k}"
    result = run_eval(real_assistant, load_golden(GOLDEN_PATH), k=k,
                      mode=floors.get("retriever", "hybrid"), progress=False,
                      golden=str(GOLDEN_PATH))
    misses = check_floors(result.metrics, floors)
    failures = "\n".join(f"  {f.id} [{f.kind}]: {'; '.join(f.failed)}" for f in result.failures)
    assert not misses, ("Metrics below their floors:\n  " + "\n  ".join(misses)
                        + f"\n{len(result.failures)} failing items:\n{failures}")
