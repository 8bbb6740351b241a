"""Score answers produced elsewhere against the golden set, with safeguide's own metrics.

`safeguide eval --export-questions OUT.jsonl` writes the questions (`{"id", "question",
"edition"}` per line, the `safeguide ask --batch` input format). Another system answers them;
`safeguide eval --answers FILE.jsonl` scores its answers. Each line:

    {"id": "...", "answer": "text", "abstained": false,
     "citations": [{"doc_id": "...", "page": 12, "paragraph": "45", "quote": "verbatim text"}],
     "retrieved": [{"doc_id": "...", "page": 12}],      # optional: ranked passages, for hit@k/MRR
     "latency_s": 0.8}                                   # optional: seconds for this answer

Optional citation fields: page_end, edition (default: the document's edition in the manifest),
role ("answer" by default; "supersession" citations are not scored, as for safeguide). A line
with "error" instead of an answer counts as a failed item. `safeguide ask --batch` output is
accepted as it is, so safeguide's own answers score exactly as `safeguide eval` scores them
(apart from latency, which comes from the file). Quotes are checked against the stored page texts.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import IndexNotReady, SafeguideError
from assistant.records import Answer, Citation, Passage
from corpus.manifest import Manifest
from evals.scorer import EvalResult, GoldItem, ItemResult, PagesFn, score_item
from ingest.records import Chunk

log = logging.getLogger(__name__)


class AnswersFormatError(SafeguideError, ValueError):
    """An answers file line is not in the documented format; the message names the line."""


@dataclass
class Record:
    """One scored line: an Answer rebuilt from JSON, or the error the system reported."""

    id: str
    answer: Answer | None
    latency: float | None
    error: str | None = None


def export_questions(items: Sequence[GoldItem], out: Path) -> int:
    """Write the golden questions as `ask --batch` input; returns the number written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps({"id": item.id, "question": item.question, "edition": item.edition},
                                ensure_ascii=False) + "\n")
    return len(items)


def _int_or_none(value: Any, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AnswersFormatError(f"{what} must be a page number or null, not {value!r}.")
    try:
        return int(value)
    except ValueError:
        raise AnswersFormatError(f"{what} must be a page number or null, not {value!r}.") from None


def _citation(raw: Any, n: int, manifest: Manifest) -> Citation:
    if not isinstance(raw, Mapping):
        raise AnswersFormatError(f"citation {n} must be an object with doc_id, page, paragraph, quote.")
    doc_id, quote = raw.get("doc_id"), raw.get("quote")
    if not isinstance(doc_id, str) or not isinstance(quote, str):
        raise AnswersFormatError(f"citation {n} needs doc_id and quote as strings.")
    try:
        doc = manifest.doc(doc_id)
    except KeyError:
        raise AnswersFormatError(f"citation {n}: doc_id {doc_id!r} is not in the corpus manifest "
                                 "(`safeguide editions --json` lists the ids).") from None
    paragraph = raw.get("paragraph")
    return Citation(
        marker=int(raw.get("marker") or n), doc_id=doc_id, title=str(raw.get("title") or doc.title),
        edition=str(raw.get("edition") or doc.edition),
        page=_int_or_none(raw.get("page"), f"citation {n} page"),
        paragraph=None if paragraph in (None, "") else str(paragraph), quote=quote,
        page_end=_int_or_none(raw.get("page_end"), f"citation {n} page_end"),
        role=str(raw.get("role") or "answer"))


def _passage(raw: Any, rank: int, manifest: Manifest) -> Passage:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("doc_id"), str):
        raise AnswersFormatError(f"retrieved item {rank + 1} must be an object with a doc_id.")
    doc_id = raw["doc_id"]
    doc = next((d for d in manifest.documents if d.id == doc_id), None)
    page = _int_or_none(raw.get("page"), f"retrieved item {rank + 1} page")
    end = _int_or_none(raw.get("page_end"), f"retrieved item {rank + 1} page_end")
    para = raw.get("paragraph")
    chunk = Chunk(chunk_id=str(raw.get("chunk_id") or ""), doc_id=doc_id,
                  title=doc.title if doc else doc_id, series=doc.series if doc else "",
                  edition=doc.edition if doc else "", page_start=page, page_end=end,
                  paragraph=None if para in (None, "") else str(para), headings=(), text="")
    return Passage(chunk, float(raw.get("score") or 0.0), rank)


def parse_record(raw: Any, manifest: Manifest) -> Record:
    if not isinstance(raw, Mapping):
        raise AnswersFormatError("each line must be a JSON object.")
    ident = raw.get("id")
    if not isinstance(ident, str | int) or isinstance(ident, bool) or str(ident).strip() == "":
        raise AnswersFormatError('each line needs an "id" (the golden item id).')
    ident = str(ident)
    latency = raw.get("latency_s")
    if latency is None and isinstance(raw.get("timings_ms"), Mapping):
        total = raw["timings_ms"].get("total")
        latency = total / 1000 if isinstance(total, int | float) else None
    if latency is not None and (isinstance(latency, bool) or not isinstance(latency, int | float)):
        raise AnswersFormatError("latency_s must be a number of seconds.")
    if raw.get("error") is not None and "answer" not in raw:
        return Record(ident, None, latency, str(raw["error"]))
    text, abstained, cites = raw.get("answer"), raw.get("abstained"), raw.get("citations", [])
    if not isinstance(text, str):
        raise AnswersFormatError('"answer" must be the answer text (a string).')
    if not isinstance(abstained, bool):
        raise AnswersFormatError('"abstained" must be true or false.')
    if not isinstance(cites, list):
        raise AnswersFormatError('"citations" must be a list.')
    retrieved = raw.get("retrieved", [])
    if not isinstance(retrieved, list):
        raise AnswersFormatError('"retrieved" must be a list of {"doc_id", "page"} objects.')
    answer = Answer(
        question=str(raw.get("question") or ""), text=text, abstained=abstained,
        edition_used=str(raw.get("edition_used") or ""),
        citations=[_citation(c, n, manifest) for n, c in enumerate(cites, start=1)],
        passages=[_passage(p, r, manifest) for r, p in enumerate(retrieved)],
        timings={k: v / 1000 for k, v in (raw.get("timings_ms") or {}).items()
                 if isinstance(v, int | float)},
        check=dict(raw.get("check") or {}))
    return Record(ident, answer, float(latency) if latency is not None else None)


def load_answers(path: Path, manifest: Manifest) -> dict[str, Record]:
    """Every line of an answers file, by id; errors name the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnswersFormatError(f"Cannot read the answers file {path}: {exc.strerror}.") from None
    records: dict[str, Record] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse_record(json.loads(line), manifest)
        except json.JSONDecodeError as exc:
            raise AnswersFormatError(f"{path}:{lineno}: not JSON ({exc.msg}).") from None
        except AnswersFormatError as exc:
            raise AnswersFormatError(f"{path}:{lineno}: {exc}") from None
        if record.id in records:
            raise AnswersFormatError(f"{path}:{lineno}: id {record.id!r} appears twice.")
        records[record.id] = record
    if not records:
        raise AnswersFormatError(f"{path} holds no answers.")
    return records


def score_answers(items: Sequence[GoldItem], records: Mapping[str, Record], pages: PagesFn,
                  k: int = 5, label: str = "answers", golden: str = "") -> EvalResult:
    """Score `records` against `items` exactly as `run_eval` scores safeguide's own answers.

    An item with no line in the file fails ("no answer"). Latency metrics are left unmeasured
    (None) unless every line gives one."""
    unknown = sorted(set(records) - {i.id for i in items})
    if unknown:
        log.warning("%d answer id(s) are not in the golden set and are ignored: %s", len(unknown),
                    ", ".join(unknown[:5]))
    results: list[ItemResult] = []
    for item in items:
        rec = records.get(item.id)
        if rec is None:
            results.append(score_item(item, None, pages, k, 0.0, "no answer in the file"))
            continue
        results.append(score_item(item, rec.answer, pages, k, rec.latency or 0.0, rec.error))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    result = EvalResult.build(label, k, golden, results, started)
    if any(records.get(i.id) is None or records[i.id].latency is None for i in items):
        for metrics in (result.metrics, *result.by_kind.values(), *result.by_edition.values()):
            metrics.update(latency_p50=None, latency_p95=None)
        result.counts.update(latency_p50=0, latency_p95=0)
    return result


def stored_pages(settings: Any) -> PagesFn:
    """The page texts `safeguide ingest` stored (no model or vector store is loaded)."""
    from ingest.index import IndexStore

    store = IndexStore(settings)
    state = store.load_state()
    if not state["docs"]:
        raise IndexNotReady("The index is empty: run `safeguide corpus sync` then `safeguide ingest`; "
                            "quotes are checked against the stored page texts.")
    return functools.cache(lambda doc_id: store.read_pages(doc_id, state))


def run_command(args: Any, settings: Any) -> int:
    """`safeguide eval --export-questions OUT` / `--answers FILE [--answers FILE2]`.

    With two answer files the second is reported beside the first (the report's second column).
    Quotes are checked against the page texts stored by `safeguide ingest`."""
    from corpus.manifest import load_manifest
    from evals.cli import summary_table
    from evals.report import write_report
    from evals.scorer import check_floors, load_floors, load_golden

    manifest = load_manifest()
    items = load_golden(args.golden, {d.id for d in manifest.documents})
    if args.export_questions:
        n = export_questions(items, args.export_questions)
        print(f"{n} questions written to {args.export_questions} "
              "(answer them, then: safeguide eval --answers FILE.jsonl)")
        return 0
    if len(args.answers) > 2:
        raise SafeguideError("Give --answers once, or twice to report two systems side by side.")

    pages = stored_pages(settings)
    runs = [score_answers(items, load_answers(path, manifest), pages, args.k,
                          path.stem, str(args.golden)) for path in args.answers]
    result, other = runs[0], (runs[1] if len(runs) > 1 else None)
    floors = load_floors(args.floors) if args.check_floors or args.floors.is_file() else None
    if args.json:
        data = result.to_json() | ({"baseline": other.to_json()} if other else {})
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.report:
        write_report(result, args.report, other, floors)
    misses = check_floors(result.metrics, floors) if args.check_floors and floors else []
    print(summary_table([result] + ([other] if other else []), floors, misses, args))
    return 1 if misses else 0
