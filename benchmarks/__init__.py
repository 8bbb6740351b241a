"""Benchmarks: `safeguide bench` (bench.py) and the web-app load test (load.py)."""


def emit_figures(figures: dict, path: str | None = None) -> None:
    """Print the figures as JSON, and write them to `path` when given."""
    import json
    from pathlib import Path

    text = json.dumps(figures, indent=1)
    if path:
        Path(path).write_text(text, encoding="utf-8")
    print(text)
