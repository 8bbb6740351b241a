"""Benchmarks: `safeguide bench` (bench.py) and the web-app load test (load.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def emit_figures(figures: dict, path: str | None = None) -> None:
    """Print the figures as JSON, and write them to `path` when given."""
    import json
    from pathlib import Path

    text = json.dumps(figures, indent=1)
    if path:
        Path(path).write_text(text, encoding="utf-8")
    print(text)


def bench_main(doc: str | None, option: str, default: int, run: Callable[[int], dict[str, Any]],
               argv: list[str] | None = None) -> int:
    """A benchmark's command line: one count option (`--runs`, `--users`) and `--json OUT`."""
    import argparse
    import logging

    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument(f"--{option}", type=int, default=default)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    emit_figures(run(getattr(args, option)), args.json)
    return 0
