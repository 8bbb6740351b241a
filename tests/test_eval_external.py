"""`safeguide eval --answers` / `--export-questions`: the answers format, and that safeguide's own
batch output scores exactly as `safeguide eval` scores the same answers."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import _print_batch_answer
from assistant.records import Answer, Citation, Passage
from corpus.manifest import load_manifest
from evals.external import (
    AnswersFormatError,
    export_questions,
    load_answers,
    score_answers,
)
from evals.scorer import METRICS, EvalResult, GoldItem, GoldSource, run_eval, score_item
from ingest.records import Chunk, Page

WT = "working-together-2023"
PAGES = {WT: [Page(WT, 3, "Assessments should be completed within 45 working days."),
              Page(WT, 4, "Conferences happen within 15 working days of the strategy discussion."),
              Page(WT, 5, "Core groups meet within 10 working days.")]}
ITEMS = [
    GoldItem("a", "How long is an assessment?", None, "fact", ("45 working days",),
             (GoldSource(WT, (3,)),)),
    GoldItem("b", "When is a conference?", "2023", "fact", ("15 working days",),
             (GoldSource(WT, (4,)),)),
    GoldItem("c", "What does Scottish guidance say?", None, "unanswerable", (), ()),
]


def pages(doc_id: str) -> list[Page]:
    return PAGES[doc_id]


def chunk(page: int, last: int | None = None, para: str = "1") -> Chunk:
    return Chunk(f"c{page}", WT, "Working Together 2023", "working-together", "2023", page,
                 last or page, para, (), "text")


def answers() -> dict[str, Answer]:
    def cite(n: int, page: int, quote: str, end: int | None = None, edition: str = "2023") -> Citation:
        return Citation(n, WT, "Working Together 2023", edition, page, "7", quote, page_end=end,
                        verified=True)

    return {
        "a": Answer("How long is an assessment?", "In short: within 45 working days [1]", False,
                    "Working Together 2023", [cite(1, 3, "within 45 working days")],
                    passages=[Passage(chunk(2, 3), 0.9, 0), Passage(chunk(5), 0.5, 1)]),
        "b": Answer("When is a conference?", "Within 15 working days [1] [2]", False, "x",
                    [cite(1, 4, "within 15 working days of the"),
                     cite(2, 5, "not on the page", edition="2018")],
                    passages=[Passage(chunk(5), 0.9, 0), Passage(chunk(4), 0.8, 1)]),
        "c": Answer("What does Scottish guidance say?", "The guidance here does not answer that.",
                    True, ""),
    }


def batch_lines(answered: dict[str, Answer]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for ident, ans in answered.items():
            _print_batch_answer(ident, ans, 0.25)
    return out.getvalue()


def test_batch_output_scores_exactly_like_the_answers_themselves(tmp_path: Path) -> None:
    own = answers()
    direct = EvalResult.build("own", 5, "g", [score_item(i, own[i.id], pages, 5, 0.25) for i in ITEMS])
    path = tmp_path / "batch.jsonl"
    path.write_text(batch_lines(own), encoding="utf-8")
    result = score_answers(ITEMS, load_answers(path, load_manifest()), pages, 5, "batch")
    assert result.metrics == direct.metrics and result.counts == direct.counts
    for a, b in zip(result.items, direct.items, strict=True):
        assert asdict(a) | {"timings": {}} == asdict(b) | {"timings": {}}
    # the item needing page_end to hit: the passage spans pages 2-3 and gold is page 3
    assert result.items[0].first_hit == 1 and result.items[1].wrong_edition == 1
    assert result.metrics["quote_validity"] == pytest.approx(2 / 3)


def test_minimal_answers_format_and_missing_items(tmp_path: Path) -> None:
    path = tmp_path / "other.jsonl"
    lines = [
        {"id": "a", "answer": "Within 45 working days.", "abstained": False,
         "citations": [{"doc_id": WT, "page": 3, "paragraph": None, "quote": "within 45  working\ndays"}]},
        {"id": "c", "answer": "I cannot say.", "abstained": True, "citations": []},
        {"id": "zzz", "answer": "extra", "abstained": False, "citations": []},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    result = score_answers(ITEMS, load_answers(path, load_manifest()), pages, 5, "other")
    m = result.metrics
    assert m["fact_accuracy"] == 0.5 and m["quote_validity"] == 1.0
    assert m["citation_precision"] == 1.0 and m["abstention_accuracy"] == 1.0
    assert m["hit_at_k"] == 0.0  # no "retrieved" given: no retrieval credit
    assert m["latency_p50"] is None and result.counts["latency_p50"] == 0
    b = next(r for r in result.items if r.id == "b")
    assert b.error == "no answer in the file" and b.failed


@pytest.mark.parametrize(("line", "message"), [
    ("not json", "2: not JSON"),
    (json.dumps({"answer": "x", "abstained": False}), 'needs an "id"'),
    (json.dumps({"id": "a", "answer": "x"}), '"abstained" must be true or false'),
    (json.dumps({"id": "a", "answer": "x", "abstained": False, "citations": [{"doc_id": "nope",
                                                                           "quote": "q"}]}),
     "'nope' is not in the corpus manifest"),
    (json.dumps({"id": "a", "answer": "x", "abstained": False,
                 "citations": [{"doc_id": WT, "page": "three", "quote": "q"}]}), "page must be"),
    (json.dumps({"id": "b", "answer": 3, "abstained": False}), '"answer" must be'),
    (json.dumps({"id": "a", "answer": "", "abstained": False}), "appears twice"),
])
def test_format_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "a", "answer": "", "abstained": True}) + "\n" + line + "\n",
                    encoding="utf-8")
    with pytest.raises(AnswersFormatError, match=message.replace("(", r"\(")) as err:
        load_answers(path, load_manifest())
    assert str(err.value).startswith(f"{path}:2: ") and "\n" not in str(err.value)


def test_error_lines_count_as_failed_items(tmp_path: Path) -> None:
    path = tmp_path / "err.jsonl"
    path.write_text(json.dumps({"id": "a", "line": 1, "error": "The question is empty"}) + "\n")
    result = score_answers(ITEMS, load_answers(path, load_manifest()), pages)
    assert result.items[0].error == "The question is empty" and result.metrics["fact_accuracy"] == 0


def test_export_questions_is_batch_input(tmp_path: Path) -> None:
    out = tmp_path / "q" / "questions.jsonl"
    assert export_questions(ITEMS, out) == 3
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows[1] == {"id": "b", "question": "When is a conference?", "edition": "2023"}


@pytest.mark.slow
@pytest.mark.integration
def test_eval_answers_reproduces_safeguides_own_figures(real_assistant: Any, tmp_path: Path) -> None:
    """Subset of the golden set (every 10th item, all four kinds): `ask --batch` output fed to
    `safeguide eval --answers` gives the figures `run_eval` gives, to the third decimal."""
    import yaml

    from assistant.cli import _ask_batch, build_parser
    from evals.scorer import GOLDEN_PATH, load_golden

    items = load_golden(GOLDEN_PATH)[::10]
    golden = tmp_path / "golden-subset.yaml"
    keep = {i.id for i in items}
    golden.write_text(yaml.safe_dump([r for r in yaml.safe_load(GOLDEN_PATH.read_text(encoding="utf-8"))
                                      if r["id"] in keep]), encoding="utf-8")
    own = run_eval(real_assistant, items, 5, progress=False)
    questions, answers_file = tmp_path / "questions.jsonl", tmp_path / "safeguide.jsonl"
    parser = build_parser()
    args = parser.parse_args(["eval", "--golden", str(golden), "--export-questions", str(questions)])
    assert args.func(args, real_assistant.settings) == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _ask_batch(real_assistant, questions)
    answers_file.write_text(out.getvalue(), encoding="utf-8")
    args = parser.parse_args(["eval", "--golden", str(golden), "--answers", str(answers_file),
                              "--json", str(tmp_path / "scored.json"),
                              "--report", str(tmp_path / "report.md")])
    assert args.func(args, real_assistant.settings) == 0
    scored = json.loads(args.json.read_text(encoding="utf-8"))
    assert scored["n_items"] == len(items) and scored["mode"] == "safeguide"
    for name in METRICS:
        if name.startswith("latency"):
            continue
        a, b = own.metrics[name], scored["metrics"][name]
        assert (a is None and b is None) or round(a, 3) == round(b, 3), (name, a, b)
    assert "| fact_accuracy |" in args.report.read_text(encoding="utf-8")
