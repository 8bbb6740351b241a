"""Score the assistant against a golden set: retrieval, facts, citations, abstention, latency."""

from __future__ import annotations

import json
import logging
import math
import re
import sys
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml
from tqdm import tqdm

from assistant.cite import quote_in_pages
from assistant.errors import CorpusError, IndexBusy, IndexNotReady, SafeguideError
from assistant.records import Answer, Citation
from assistant.text import plain_typography
from evals.paths import EVALS_DIR as EVALS_DIR  # re-exported: scripts and tests import them here
from evals.paths import FLOORS_PATH, GOLDEN_PATH
from evals.paths import SPLITS as SPLITS
from evals.paths import TEST_PATH as TEST_PATH
from ingest.records import Page

log = logging.getLogger(__name__)

KINDS = ("fact", "list", "procedure", "definition", "multi-part", "edition", "comparison",
         "unanswerable")
METRICS = ("hit_at_k", "mrr", "fact_accuracy", "citation_precision", "citation_recall",
           "quote_validity", "abstention_accuracy", "over_refusal", "wrong_edition_rate",
           "latency_p50", "latency_p95", "answer_chars_p50")
LOWER_IS_BETTER = frozenset({"over_refusal", "wrong_edition_rate", "latency_p50", "latency_p95",
                             "answer_chars_p50"})
UNGATED = frozenset({"answer_chars_p50"})  # reported, not a floor: shorter is not always better
LATENCY = frozenset({"latency_p50", "latency_p95"})
# Errors about the environment, not the question: stop the run instead of scoring every item 0.
FATAL = (IndexNotReady, IndexBusy, CorpusError)


class GoldenFormatError(SafeguideError, ValueError):
    """The golden file is not in the expected format; the message names the bad item."""


# ---------------------------------------------------------------------------------- golden set
@dataclass(frozen=True)
class GoldSource:
    doc: str
    pages: tuple[int, ...] | None  # None: any page (or a page-less briefing) of `doc`

    def covers(self, doc: str, first: int | None, last: int | None) -> bool:
        """True when `doc` is this source and pages first..last meet the gold pages."""
        if doc != self.doc:
            return False
        if self.pages is None:
            return True
        if first is None:
            return False
        last = first if last is None or last < first else last
        return any(first <= p <= last for p in self.pages)


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    edition: str | None
    kind: str
    answer_contains: tuple[str, ...]
    sources: tuple[GoldSource, ...]
    evidence: tuple[str, ...] = ()  # verbatim passages from the listed pages

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    def matches(self, doc: str, first: int | None, last: int | None) -> bool:
        return any(s.covers(doc, first, last) for s in self.sources)


def load_golden(path: Path | str = GOLDEN_PATH,
                known_docs: Collection[str] | None = None) -> list[GoldItem]:
    """Read and validate a golden YAML file; errors name the file and the item."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GoldenFormatError(f"Cannot read the golden file {path}: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise GoldenFormatError(f"{path}: expected a non-empty YAML list of items.")
    items: list[GoldItem] = []
    seen: set[str] = set()
    for n, raw in enumerate(data, start=1):
        rid = raw.get("id") if isinstance(raw, dict) else None
        name = f"{path.name} item {n}" + (f" (id {rid!r})" if rid else "")
        try:
            item = _parse_item(raw, known_docs)
        except GoldenFormatError as exc:
            raise GoldenFormatError(f"{name}: {exc}") from None
        if item.id in seen:
            raise GoldenFormatError(f"{name}: duplicate id {item.id!r}.")
        seen.add(item.id)
        items.append(item)
    log.info("loaded %d golden items from %s", len(items), path)
    return items


def _parse_item(raw: Any, known_docs: Collection[str] | None) -> GoldItem:
    def need(ok: bool, msg: str) -> None:
        if not ok:
            raise GoldenFormatError(msg)

    need(isinstance(raw, dict), "each item must be a mapping.")
    missing = [k for k in ("id", "question", "edition", "kind", "expect") if k not in raw]
    need(not missing, f"missing key(s): {', '.join(missing)}.")
    need(isinstance(raw["id"], str) and bool(raw["id"].strip()), "id must be a non-empty string.")
    need(isinstance(raw["question"], str) and bool(raw["question"].strip()),
         "question must be a non-empty string.")
    edition = raw["edition"]
    if isinstance(edition, int) and not isinstance(edition, bool):
        edition = str(edition)
    need(edition is None or (isinstance(edition, str) and bool(edition.strip())),
         'edition must be null or a label such as "2018".')
    need(raw["kind"] in KINDS, f"kind must be one of {', '.join(KINDS)}, not {raw['kind']!r}.")
    expect = raw["expect"]
    need(isinstance(expect, dict) and "answer_contains" in expect and "sources" in expect,
         "expect must be a mapping with answer_contains and sources.")
    patterns = expect["answer_contains"]
    need(isinstance(patterns, list) and all(isinstance(p, str) for p in patterns),
         "expect.answer_contains must be a list of regex strings.")
    for p in patterns:
        try:
            re.compile(p, re.I)
        except re.error as exc:
            raise GoldenFormatError(f"expect.answer_contains: bad regex {p!r} ({exc}).") from None
    sources = expect["sources"]
    need(isinstance(sources, list), "expect.sources must be a list ([] for unanswerable).")
    parsed: list[GoldSource] = []
    for s in sources:
        need(isinstance(s, dict) and isinstance(s.get("doc"), str) and "pages" in s,
             "each source needs doc (string) and pages (list of page numbers or null).")
        pages = s["pages"]
        need(pages is None or (isinstance(pages, list) and bool(pages) and all(
            isinstance(p, int) and not isinstance(p, bool) and p > 0 for p in pages)),
            f"source {s['doc']}: pages must be null or a non-empty list of page numbers.")
        need(known_docs is None or s["doc"] in known_docs,
             f"source doc {s['doc']!r} is not in the corpus manifest.")
        parsed.append(GoldSource(s["doc"], tuple(pages) if pages is not None else None))
    if raw["kind"] == "unanswerable":
        need(not parsed, "unanswerable items must have sources: [].")
    else:
        need(bool(parsed), f"{raw['kind']} items need at least one source.")
    evidence = raw.get("evidence", "")
    evidence = [evidence] if isinstance(evidence, str) else evidence
    need(isinstance(evidence, list) and all(isinstance(e, str) for e in evidence),
         "evidence must be a string or a list of strings.")
    return GoldItem(raw["id"], raw["question"], edition, raw["kind"], tuple(patterns),
                    tuple(parsed), tuple(e for e in evidence if e.strip()))


# ---------------------------------------------------------------------------------- scoring
@dataclass
class ItemResult:
    id: str
    kind: str
    edition: str | None
    question: str
    answer: str
    abstained: bool
    latency: float
    retrieved: list[tuple[str, int | None, str | None]]  # top-k (doc, page, paragraph)
    first_hit: int | None  # 1-based rank of the first gold passage in the top k
    fact_ok: bool
    citations: int
    citations_matching: int
    quotes_valid: int
    edition_checked: int  # citations checked for edition (item edition not null)
    wrong_edition: int
    failed: list[str] = field(default_factory=list)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # the answer's own, in seconds
    check: dict[str, Any] = field(default_factory=dict)  # written answers: the citation check

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


# Supersession citations point at the current wording on purpose: not scored. Rename citations
# count for precision, but only the answer's own quotes must come from the asked-for edition.
PagesFn = Callable[[str], list[Page]]


def score_item(item: GoldItem, answer: Answer | None, pages: PagesFn, k: int,
               latency: float, error: str | None = None) -> ItemResult:
    """Score one answer (None when `ask` raised `error`) against its golden item."""
    passages = answer.passages[:k] if answer else []
    cites: list[Citation] = [c for c in answer.citations if c.role != "supersession"] if answer else []
    text = answer.text if answer else f"ERROR: {error}"
    abstained = bool(answer and answer.abstained)
    first_hit = next((i for i, p in enumerate(passages, start=1)
                      if item.matches(p.chunk.doc_id, p.chunk.page_start, p.chunk.page_end)), None)
    plain = plain_typography(text)  # "children's" in a pattern matches the guidance's "children’s"
    missing = [p for p in item.answer_contains if not (re.search(p, text, re.I) or re.search(p, plain, re.I))]
    matching = sum(item.matches(c.doc_id, c.page, c.page_end) for c in cites)
    valid = sum(_quote_ok(c, pages) for c in cites)
    own = [c for c in cites if c.role == "answer"]
    checked = len(own) if item.edition is not None else 0
    wrong = sum(c.edition != item.edition for c in own) if checked else 0
    failed: list[str] = []
    if error:
        failed.append(f"error: {error}")
    if item.answerable:
        if first_hit is None:
            failed.append(f"retrieval: no gold page in top {k}")
        if abstained:
            failed.append("abstained")
        elif answer:
            failed += [f"answer lacks /{p}/" for p in missing]
        if answer and not abstained and not matching:
            failed.append("citation: none on a gold page")
    elif answer and not abstained:
        failed.append("answered: should have abstained")
    if valid < len(cites):
        failed.append(f"quote: {len(cites) - valid} not verbatim on the cited page")
    if wrong:
        failed.append(f"edition: {wrong} citation(s) not from {item.edition}")
    return ItemResult(
        item.id, item.kind, item.edition, item.question, text, abstained, latency,
        [(p.chunk.doc_id, p.chunk.page_start, p.chunk.paragraph) for p in passages],
        first_hit, bool(answer) and not abstained and not missing, len(cites), matching, valid,
        checked, wrong, failed, error, dict(answer.timings) if answer else {},
        dict(answer.check) if answer else {})


def _quote_ok(c: Citation, pages: PagesFn) -> bool:
    try:
        return quote_in_pages(c.quote, pages(c.doc_id), c.page, c.page_end)
    except (SafeguideError, KeyError, OSError) as exc:
        log.warning("cannot recheck quote from %s: %s", c.doc_id, exc)
        return False


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _ratio(num: float, den: int) -> float | None:
    return num / den if den else None


def summarise(results: Sequence[ItemResult]) -> tuple[dict[str, float | None], dict[str, int]]:
    """Every metric over `results`, and its denominator (None when nothing to measure)."""
    ans = [r for r in results if r.answerable]
    una = [r for r in results if not r.answerable]
    n_cites = sum(r.citations for r in ans)
    n_quotes = sum(r.citations for r in results)
    n_checked = sum(r.edition_checked for r in results)
    lat = [r.latency for r in results]
    chars = [float(len(r.answer)) for r in ans if not r.abstained and not r.error]
    values = {
        "hit_at_k": _ratio(sum(r.first_hit is not None for r in ans), len(ans)),
        "mrr": _ratio(sum(1 / r.first_hit for r in ans if r.first_hit), len(ans)),
        "fact_accuracy": _ratio(sum(r.fact_ok for r in ans), len(ans)),
        "citation_precision": _ratio(sum(r.citations_matching for r in ans), n_cites),
        "citation_recall": _ratio(sum(r.citations_matching > 0 for r in ans), len(ans)),
        "quote_validity": _ratio(sum(r.quotes_valid for r in results), n_quotes),
        "abstention_accuracy": _ratio(sum(r.abstained for r in una), len(una)),
        "over_refusal": _ratio(sum(r.abstained for r in ans), len(ans)),
        "wrong_edition_rate": _ratio(sum(r.wrong_edition for r in results), n_checked),
        "latency_p50": percentile(lat, 50),
        "latency_p95": percentile(lat, 95),
        "answer_chars_p50": percentile(chars, 50),
    }
    counts = {"hit_at_k": len(ans), "mrr": len(ans), "fact_accuracy": len(ans),
              "citation_precision": n_cites, "citation_recall": len(ans),
              "quote_validity": n_quotes, "abstention_accuracy": len(una),
              "over_refusal": len(ans), "wrong_edition_rate": n_checked,
              "latency_p50": len(lat), "latency_p95": len(lat), "answer_chars_p50": len(chars)}
    return values, counts


@dataclass
class EvalResult:
    mode: str
    k: int
    golden: str
    metrics: dict[str, float | None]
    counts: dict[str, int]
    by_kind: dict[str, dict[str, float | None]]
    by_edition: dict[str, dict[str, float | None]]
    items: list[ItemResult]
    started: str = ""

    @property
    def failures(self) -> list[ItemResult]:
        return [r for r in self.items if r.failed]

    @classmethod
    def build(cls, mode: str, k: int, golden: str, items: list[ItemResult],
              started: str = "") -> EvalResult:
        metrics, counts = summarise(items)
        by_kind = {kind: summarise(group)[0] for kind in KINDS
                   if (group := [r for r in items if r.kind == kind])}
        editions = sorted({r.edition or "none" for r in items}, key=lambda e: (e != "none", e))
        by_edition = {e: summarise([r for r in items if (r.edition or "none") == e])[0]
                      for e in editions}
        return cls(mode, k, golden, metrics, counts, by_kind, by_edition, items, started)

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode, "k": self.k, "golden": self.golden, "started": self.started,
            "n_items": len(self.items), "n_failures": len(self.failures),
            "n_errors": sum(r.error is not None for r in self.items),
            "metrics": self.metrics, "counts": self.counts,
            "by_kind": self.by_kind, "by_edition": self.by_edition,
            "failures": [_failure_json(r) for r in self.failures],
            "items": [asdict(r) for r in self.items],
        }


def _failure_json(r: ItemResult) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "edition": r.edition, "failed": r.failed,
            "question": r.question, "answer": r.answer,
            "retrieved": [{"doc": d, "page": p, "paragraph": para} for d, p, para in r.retrieved]}


class _Pages(Protocol):
    def pages(self, doc_id: str) -> list[Page]: ...


class AssistantLike(Protocol):
    """What run_eval needs: `assistant.service.Assistant` or a test double."""

    @property
    def retriever(self) -> _Pages: ...

    def ask(self, question: str, edition: str | None = None, *, mode: Any = "hybrid") -> Answer:
        ...


def run_eval(assistant: AssistantLike, items: Sequence[GoldItem], k: int = 5,
             mode: str = "hybrid", progress: bool = True, golden: str = "") -> EvalResult:
    """Ask every golden question and score the answers; SafeguideErrors become item failures."""
    top_k = getattr(getattr(assistant, "settings", None), "top_k", k)
    if top_k != k:
        log.warning("scoring top %d passages but the assistant retrieves %d (settings.top_k)",
                    k, top_k)
    _warm_up(assistant)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    results: list[ItemResult] = []
    # progress bars only on a terminal: a log file gets no carriage returns
    for item in tqdm(items, desc=f"eval {mode}", unit="q", disable=not (progress and sys.stderr.isatty())):
        kwargs: dict[str, Any] = {"mode": mode}
        if item.edition is not None:
            kwargs["edition"] = item.edition
        t0 = time.perf_counter()
        answer: Answer | None = None
        error = None
        try:
            answer = assistant.ask(item.question, **kwargs)
        except FATAL:
            raise
        except SafeguideError as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("%s: %s", item.id, error)
        latency = time.perf_counter() - t0
        results.append(score_item(item, answer, assistant.retriever.pages, k, latency, error))
    result = EvalResult.build(mode, k, golden, results, started)
    log.info("eval %s: %d items, %d failures", mode, len(results), len(result.failures))
    return result


def _warm_up(assistant: AssistantLike) -> None:
    """Load the index and the embedding model so the first question's latency is fair."""
    load = getattr(assistant.retriever, "ensure_loaded", None)
    if callable(load):
        load()
    embedder = getattr(assistant, "embedder", None)
    if embedder is not None:
        embedder.embed(["warm up"])


# ---------------------------------------------------------------------------------- floors
def load_floors(path: Path | str = FLOORS_PATH) -> dict[str, Any]:
    try:
        floors: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SafeguideError(f"Cannot read the floors file {path}: {exc}") from exc
    for name, spec in floors.get("metrics", {}).items():
        limit = "floor" if spec.get("better") == "higher" else "ceiling"
        if spec.get("better") not in ("higher", "lower") or limit not in spec:
            raise SafeguideError(f"{path}: metric {name} needs better=higher with a floor, "
                                 "or better=lower with a ceiling.")
    return floors


def check_floors(metrics: dict[str, float | None], floors: dict[str, Any]) -> list[str]:
    """One line per metric that misses its floor (or exceeds its ceiling); [] when all pass."""
    bad = []
    for name, spec in floors["metrics"].items():
        value = metrics.get(name)
        if value is None:
            bad.append(f"{name}: not measured")
        elif spec["better"] == "higher" and value < spec["floor"]:
            bad.append(f"{name}: {value:.4f} is below its floor {spec['floor']}")
        elif spec["better"] == "lower" and value > spec["ceiling"]:
            bad.append(f"{name}: {value:.4f} is above its ceiling {spec['ceiling']}")
    return bad


def make_floors(result: EvalResult, margin: float = 0.03, latency_factor: float = 3.0,
                latency_slack: float = 2.0) -> dict[str, Any]:
    """Floors `margin` under the measured rates (at least one item's worth); latency ceilings
    `latency_factor` times the measured latency, and at least `latency_slack` s above it."""
    metrics: dict[str, Any] = {}
    for name in METRICS:
        value, n = result.metrics[name], result.counts[name]
        if value is None or name in UNGATED:
            continue
        slack = max(margin, 1 / n) if n else margin
        if name in LATENCY:
            ceiling = max(value * latency_factor, value + latency_slack)
            limit = {"better": "lower", "ceiling": _up(ceiling, 10)}
        elif name in LOWER_IS_BETTER:
            limit = {"better": "lower", "ceiling": min(1.0, _up(value + slack, 100))}
        else:
            limit = {"better": "higher", "floor": max(0.0, -_up(slack - value, 100))}
        metrics[name] = {**limit, "measured": round(value, 4), "n": n}
    return {
        "about": "Quality gate for `safeguide eval --check-floors` and tests/test_eval_gate.py. "
                 "better=higher: the metric must be >= floor; better=lower: <= ceiling. "
                 "See evals/README.md to update.",
        "golden": Path(result.golden).name if result.golden else "golden.yaml",
        "k": result.k, "retriever": result.mode, "measured_at": result.started,
        "metrics": metrics,
    }


def _up(value: float, per: int) -> float:
    """Round up to a multiple of 1/per, ignoring float noise (0.97 * 100 = 97.00000000000001)."""
    return math.ceil(round(value * per, 6)) / per
