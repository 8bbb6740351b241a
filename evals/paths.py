"""Where the golden sets and the floors live (no imports: the CLI reads these at start)."""

from __future__ import annotations

from pathlib import Path

EVALS_DIR = Path(__file__).resolve().parent
GOLDEN_PATH = EVALS_DIR / "golden.yaml"  # the dev split: tune on it freely
TEST_PATH = EVALS_DIR / "golden-test.yaml"  # the sealed test split: run it to report, never to tune
SPLITS = {"dev": GOLDEN_PATH, "test": TEST_PATH}
FLOORS_PATH = EVALS_DIR / "floors.json"
