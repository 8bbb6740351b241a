"""`safeguide eval`: run the golden set, write JSON and a Markdown report, check the floors."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import SafeguideError
from assistant.options import GENERATORS
from assistant.settings import Settings
from evals.paths import FLOORS_PATH, SPLITS

if TYPE_CHECKING:
    from evals.scorer import EvalResult

log = logging.getLogger(__name__)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `eval` subcommand; the main CLI calls `args.func(args, settings)`."""
    p = subparsers.add_parser(
        "eval", help="score the assistant against the golden question set",
        description="Ask every golden question, score retrieval, answers, citations, abstention "
                    "and latency, and optionally check the quality floors (exit 1 if missed).")
    p.add_argument("--golden", type=Path, metavar="FILE",
                   help="one golden YAML file to run instead of the packaged splits")
    p.add_argument("--split", choices=("dev", "test", "both"), default="both",
                   help="packaged split(s) to run: dev (tune on it), test (sealed: report only), "
                        "or both side by side (default)")
    p.add_argument("--json", type=Path, metavar="OUT", help="write the full results as JSON")
    p.add_argument("--report", type=Path, metavar="OUT.md",
                   help="write a Markdown report (plots are saved beside it)")
    p.add_argument("-k", type=_positive_int, default=5, help="passages retrieved (default 5)")
    p.add_argument("--retriever", choices=("hybrid", "dense"), default="hybrid")
    p.add_argument("--generator", choices=GENERATORS,
                   help="answer writer (default: SAFEGUIDE_GENERATOR, else extractive)")
    p.add_argument("--baseline", action="store_true",
                   help="also run the dense-only retriever and report it side by side")
    p.add_argument("--check-floors", action="store_true",
                   help="exit 1 listing each metric that misses its floor")
    p.add_argument("--floors", type=Path, default=FLOORS_PATH, metavar="FILE",
                   help="floors file (default: evals/floors.json)")
    p.add_argument("--write-floors", action="store_true",
                   help="rewrite the floors file from this run (see evals/README.md)")
    p.add_argument("--answers", type=Path, action="append", metavar="FILE.jsonl",
                   help="score answers made elsewhere instead of asking safeguide (format: "
                        "evals/README.md); give twice to report two systems side by side")
    p.add_argument("--export-questions", type=Path, metavar="OUT.jsonl",
                   help="write the golden questions as JSONL for another system to answer")
    p.set_defaults(func=run_eval_command)
    return p


def _golden_files(args: argparse.Namespace) -> list[tuple[str, Path]]:
    if args.golden:
        return [(args.retriever, args.golden)]
    names = ("dev", "test") if args.split == "both" else (args.split,)
    return [(name, SPLITS[name]) for name in names]


def run_eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the evaluation; returns the exit code: 1 when --check-floors finds a miss.
    Floors apply to the last run: the sealed test split when it is run."""
    if getattr(args, "answers", None) or getattr(args, "export_questions", None):
        from evals import external  # answers made elsewhere: evals/external.py

        args.golden = args.golden or SPLITS["test" if args.split == "test" else "dev"]
        return external.run_command(args, settings)
    # imported here, not at start: every other command builds this parser too
    from assistant.service import Assistant
    from corpus.manifest import load_manifest
    from evals.report import write_report
    from evals.scorer import check_floors, load_floors, load_golden, make_floors, run_eval

    known = {d.id for d in load_manifest().documents}
    settings = settings.model_copy(update={"top_k": args.k, **(
        {"generator": args.generator} if getattr(args, "generator", None) else {})})
    assistant = Assistant(settings)
    runs = []
    for name, path in _golden_files(args):
        run = run_eval(assistant, load_golden(path, known), args.k, args.retriever, golden=str(path))
        run.mode = name
        runs.append(run)
    result = runs[-1]
    baseline = None
    if args.baseline and args.retriever == "dense":
        log.warning("--baseline ignored: the main run is already dense")
    elif args.baseline:  # a fresh assistant: no embeddings cached by the first run
        baseline = run_eval(Assistant(settings), load_golden(_golden_files(args)[-1][1], known), args.k,
                            "dense", golden=result.golden)
    if args.write_floors:
        made = make_floors(result) | {"retriever": args.retriever}  # result.mode names the split
        args.floors.write_text(json.dumps(made, indent=2) + "\n", encoding="utf-8")
        log.info("floors written to %s", args.floors)
    floors = load_floors(args.floors) if args.check_floors or args.floors.is_file() else None
    if floors and (floors.get("k"), floors.get("retriever")) != (args.k, args.retriever):
        log.warning("floors were measured with k=%s, %s; this run is k=%s, %s", floors.get("k"),
                    floors.get("retriever"), args.k, args.retriever)
    if args.json:
        data = result.to_json() | ({"baseline": baseline.to_json()} if baseline else {}) | (
            {"splits": {r.mode: r.to_json() for r in runs}} if len(runs) > 1 else {})
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.report:
        write_report(result, args.report, baseline, floors)
    misses = check_floors(result.metrics, floors) if args.check_floors and floors else []
    print(summary_table(runs + ([baseline] if baseline else []), floors, misses, args))
    return 1 if misses else 0


def summary_table(runs: list[EvalResult], floors: dict[str, Any] | None,
                  misses: list[str], args: argparse.Namespace) -> str:
    from evals.report import fmt
    from evals.scorer import LOWER_IS_BETTER, METRICS

    limits = (floors or {}).get("metrics", {})
    lines = [f"{'metric':<21}" + "".join(f"{r.mode:>10}" for r in runs) + f"{'floor':>12}"]
    for m in METRICS:
        spec = limits.get(m)
        limit = ""
        if spec:
            sign = "<=" if m in LOWER_IS_BETTER else ">="
            limit = f"{sign} {fmt(m, spec.get('floor', spec.get('ceiling')))}"
        lines.append(f"{m:<21}" + "".join(f"{fmt(m, r.metrics[m]):>10}" for r in runs)
                     + f"{limit:>12}")
    lines.append(f"{'items / failures':<21}"
                 + "".join(f"{f'{len(r.items)}/{len(r.failures)}':>10}" for r in runs))
    lines += [f"{label}: {path}" for label, path in (("json", args.json), ("report", args.report),
                                                     ("floors written", args.write_floors
                                                      and args.floors)) if path]
    if args.check_floors:
        lines += ["FLOORS MISSED:", *(f"  - {m}" for m in misses)] if misses else [
            "floors: all met"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point: `python -m evals.cli eval ...`."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="safeguide")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args, Settings()))
    except SafeguideError as exc:
        log.error("%s", exc)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
