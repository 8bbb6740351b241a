"""Fast checks of the evaluation arithmetic with hand-built answers (no models, no index)."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.errors import IndexNotReady, QuestionError
from assistant.records import Answer, Citation, Passage
from evals import cli as eval_cli
from evals.report import write_report
from evals.scorer import (
    FLOORS_PATH,
    GOLDEN_PATH,
    KINDS,
    METRICS,
    TEST_PATH,
    UNGATED,
    EvalResult,
    GoldenFormatError,
    GoldItem,
    GoldSource,
    check_floors,
    load_floors,
    load_golden,
    make_floors,
    percentile,
    run_eval,
    score_item,
    summarise,
)
from ingest.records import Chunk, Page

PAGES = {
    "wt": [Page("wt", 3, "Assessments should be completed within 45 working days."),
           Page("wt", 4, "Conferences happen within 15 working days."),
           Page("wt", 5, "Core groups meet within 10 working days.")],
    "brief": [Page("brief", None, "LSCBs will be replaced by safeguarding partners.")],
}


def pages(doc_id: str) -> list[Page]:
    return PAGES[doc_id]


def chunk(doc: str, first: int | None, last: int | None = None, para: str | None = None,
          edition: str = "2023") -> Chunk:
    return Chunk(f"{doc}-{first}-{para}", doc, doc.upper(), "s", edition, first,
                 last if last is not None else first, para, (), "text")


def passages(*chunks: Chunk) -> list[Passage]:
    return [Passage(c, 1.0 / (i + 1), i) for i, c in enumerate(chunks)]


def cite(doc: str, page: int | None, quote: str = "within 45 working days",
         edition: str = "2023", page_end: int | None = None) -> Citation:
    return Citation(1, doc, doc.upper(), edition, page, None, quote, page_end=page_end,
                    verified=True)


def answer(text: str = "within 45 working days [1]", abstained: bool = False,
           cites: list[Citation] | None = None, ps: list[Passage] | None = None) -> Answer:
    return Answer("q", text, abstained, "", cites or [], passages=ps or [])


def item(kind: str = "fact", sources: tuple[GoldSource, ...] = (GoldSource("wt", (3,)),),
         contains: tuple[str, ...] = (r"\b45 working days",), edition: str | None = None,
         id_: str = "x") -> GoldItem:
    return GoldItem(id_, "How long?", edition, kind, contains, sources)


# ------------------------------------------------------------------------ retrieval: hit and MRR
def test_first_hit_is_rank_of_first_passage_meeting_gold_pages() -> None:
    ps = passages(chunk("brief", None), chunk("wt", 4, 5), chunk("wt", 2, 3), chunk("wt", 3))
    r = score_item(item(), answer(ps=ps), pages, k=5, latency=0.1)
    assert r.first_hit == 3  # the 2..3 span meets page 3; rank 4 is not needed
    assert r.retrieved[2] == ("wt", 2, None)


def test_hit_only_counts_top_k() -> None:
    ps = passages(chunk("wt", 5), chunk("wt", 4), chunk("wt", 3))
    assert score_item(item(), answer(ps=ps), pages, k=2, latency=0).first_hit is None
    assert score_item(item(), answer(ps=ps), pages, k=3, latency=0).first_hit == 3


def test_hit_and_mrr_average_over_answerable_items_only() -> None:
    hit2 = score_item(item(), answer(ps=passages(chunk("wt", 5), chunk("wt", 3))), pages, 5, 0)
    miss = score_item(item(), answer(ps=passages(chunk("wt", 5))), pages, 5, 0)
    unans = score_item(item("unanswerable", (), ()), answer(abstained=True), pages, 5, 0)
    metrics, counts = summarise([hit2, miss, unans])
    assert metrics["hit_at_k"] == pytest.approx(0.5)
    assert metrics["mrr"] == pytest.approx((1 / 2 + 0) / 2)
    assert counts["hit_at_k"] == 2


def test_null_gold_pages_match_any_passage_of_the_doc_but_pages_need_a_page() -> None:
    any_page = GoldSource("brief", None)
    assert any_page.covers("brief", None, None) and any_page.covers("brief", 9, 9)
    assert not any_page.covers("wt", 3, 3)
    assert not GoldSource("wt", (3,)).covers("wt", None, None)
    assert GoldSource("wt", (3,)).covers("wt", 2, None) is False
    assert GoldSource("wt", (3, 7)).covers("wt", 6, 8)


# ------------------------------------------------------------------------ facts and citations
def test_fact_needs_every_regex_case_insensitively_and_no_abstention() -> None:
    two = item(contains=(r"45 WORKING days", r"referral"))
    assert not score_item(two, answer(), pages, 5, 0).fact_ok
    assert score_item(two, answer("45 working days from Referral"), pages, 5, 0).fact_ok
    abst = score_item(two, answer("45 working days from referral", abstained=True), pages, 5, 0)
    assert not abst.fact_ok and "abstained" in abst.failed


def test_citation_precision_and_recall() -> None:
    a = score_item(item(), answer(cites=[cite("wt", 3), cite("wt", 4, "15 working days")]),
                   pages, 5, 0)
    b = score_item(item(), answer(cites=[cite("wt", 5, "10 working days")]), pages, 5, 0)
    c = score_item(item(), answer(), pages, 5, 0)  # no citations at all
    # citations shown on an unanswerable item do not count towards precision
    u = score_item(item("unanswerable", (), ()), answer(cites=[cite("wt", 9)]), pages, 5, 0)
    metrics, counts = summarise([a, b, c, u])
    assert counts["citation_precision"] == 3
    assert metrics["citation_precision"] == pytest.approx(1 / 3)
    assert metrics["citation_recall"] == pytest.approx(1 / 3)
    assert "citation: none on a gold page" in b.failed


def test_citation_spanning_pages_matches_when_its_range_meets_gold() -> None:
    r = score_item(item(), answer(cites=[cite("wt", 2, page_end=3)]), pages, 5, 0)
    assert r.citations_matching == 1


def test_quote_validity_rechecks_against_the_cited_page() -> None:
    good = cite("wt", 3, "within 45 working days")
    wrong_page = cite("wt", 4, "within 45 working days")
    made_up = cite("wt", 3, "within 46 working days")
    briefing = cite("brief", None, "replaced by safeguarding partners")
    r = score_item(item(), answer(cites=[good, wrong_page, made_up, briefing]), pages, 5, 0)
    assert r.quotes_valid == 2
    assert summarise([r])[0]["quote_validity"] == pytest.approx(0.5)
    assert any(f.startswith("quote: 2") for f in r.failed)


def test_unknown_doc_makes_a_quote_invalid_not_a_crash() -> None:
    r = score_item(item(), answer(cites=[cite("nope", 1)]), pages, 5, 0)
    assert r.quotes_valid == 0


# ------------------------------------------------------------------------ editions and abstention
def test_wrong_edition_rate_counts_citations_on_items_with_an_edition() -> None:
    src = (GoldSource("wt", (3,)),)
    named = score_item(item(sources=src, edition="2018"),
                       answer(cites=[cite("wt", 3, edition="2018"), cite("wt", 3)]), pages, 5, 0)
    unnamed = score_item(item(), answer(cites=[cite("wt", 3, edition="2010")]), pages, 5, 0)
    metrics, counts = summarise([named, unnamed])
    assert counts["wrong_edition_rate"] == 2
    assert metrics["wrong_edition_rate"] == pytest.approx(0.5)
    assert "edition: 1 citation(s) not from 2018" in named.failed
    assert unnamed.wrong_edition == 0


def test_abstention_accuracy_and_over_refusal() -> None:
    un = item("unanswerable", (), ())
    rs = [score_item(un, answer(abstained=True), pages, 5, 0),
          score_item(un, answer("some answer"), pages, 5, 0),
          score_item(un, answer(abstained=True), pages, 5, 0),
          score_item(item(), answer(abstained=True), pages, 5, 0),
          score_item(item(), answer(), pages, 5, 0)]
    metrics, _ = summarise(rs)
    assert metrics["abstention_accuracy"] == pytest.approx(2 / 3)
    assert metrics["over_refusal"] == pytest.approx(1 / 2)
    assert rs[1].failed == ["answered: should have abstained"]
    assert rs[0].failed == []


def test_breakdowns_by_kind_and_edition() -> None:
    rs = [score_item(item(id_="a"), answer(), pages, 5, 0.1),
          score_item(item("edition", edition="2018", id_="b"), answer(abstained=True), pages, 5,
                     0.3),
          score_item(item("unanswerable", (), (), id_="c"), answer(abstained=True), pages, 5, 0.2)]
    res = EvalResult.build("hybrid", 5, "g.yaml", rs)
    assert list(res.by_kind) == ["fact", "edition", "unanswerable"]
    assert list(res.by_edition) == ["none", "2018"]
    assert res.by_kind["edition"]["over_refusal"] == 1.0
    assert res.by_kind["unanswerable"]["hit_at_k"] is None
    assert res.by_edition["none"]["abstention_accuracy"] == 1.0
    assert res.metrics["latency_p50"] == pytest.approx(0.2)
    data = res.to_json()
    assert set(data["metrics"]) == set(METRICS)
    assert [f["id"] for f in data["failures"]] == ["a", "b"]  # a: no retrieval, b: abstained
    json.dumps(data)


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([float(i) for i in range(1, 101)], 95) == pytest.approx(95.05)


# ------------------------------------------------------------------------ run_eval with a fake
MISSING: Any = object()


class FakeRetriever:
    def pages(self, doc_id: str) -> list[Page]:
        return PAGES[doc_id]


class FakeAssistant:
    def __init__(self, raise_for: dict[str, Exception] | None = None) -> None:
        self.retriever = FakeRetriever()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.raise_for = raise_for or {}

    def ask(self, question: str, edition: Any = MISSING, *, mode: Any = "hybrid") -> Answer:
        passed = {"mode": mode} | ({} if edition is MISSING else {"edition": edition})
        self.calls.append((question, passed))
        if question in self.raise_for:
            raise self.raise_for[question]
        return answer(cites=[cite("wt", 3)], ps=passages(chunk("wt", 3)))


def test_run_eval_passes_edition_only_when_given_and_records_errors() -> None:
    items = [GoldItem("a", "q1", None, "fact", (), (GoldSource("wt", (3,)),)),
             GoldItem("b", "q2", "2018", "edition", (), (GoldSource("wt", (3,)),)),
             GoldItem("c", "bad", None, "fact", (), (GoldSource("wt", (3,)),))]
    fake = FakeAssistant({"bad": QuestionError("The question is empty.")})
    res = run_eval(fake, items, k=5, mode="dense", progress=False)
    assert fake.calls[0] == ("q1", {"mode": "dense"})
    assert fake.calls[1] == ("q2", {"mode": "dense", "edition": "2018"})
    assert [f.id for f in res.failures] == ["b", "c"]  # b: cited edition 2023, not 2018
    bad = res.items[2]
    assert bad.error and "QuestionError" in bad.error and not bad.fact_ok
    assert res.metrics["fact_accuracy"] == pytest.approx(2 / 3)


def test_run_eval_stops_when_the_index_is_missing() -> None:
    items = [GoldItem("a", "q1", None, "fact", (), (GoldSource("wt", (3,)),))]
    with pytest.raises(IndexNotReady):
        run_eval(FakeAssistant({"q1": IndexNotReady("no index")}), items, progress=False)


# ------------------------------------------------------------------------ golden format
VALID = {"id": "one", "question": "Q?", "edition": None, "kind": "fact",
         "expect": {"answer_contains": ["a"], "sources": [{"doc": "wt", "pages": [1]}]},
         "evidence": "a"}


def _write(tmp_path: Path, items: Any) -> Path:
    path = tmp_path / "golden.yaml"
    path.write_text(yaml.safe_dump(items), encoding="utf-8")
    return path


def _with(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(VALID))
    for key, value in changes.items():
        if key in ("answer_contains", "sources"):
            data["expect"][key] = value
        else:
            data[key] = value
    return data


def test_valid_golden_item_loads(tmp_path: Path) -> None:
    [it] = load_golden(_write(tmp_path, [_with(edition=2018)]))
    assert it.edition == "2018" and it.sources == (GoldSource("wt", (1,)),)


@pytest.mark.parametrize("bad, message", [
    (_with(kind="trivia"), "kind must be one of"),
    (_with(answer_contains=["(unclosed"]), "bad regex"),
    (_with(sources=[{"doc": "wt", "pages": ["7"]}]), "pages must be null"),
    (_with(sources=[{"doc": "wt"}]), "each source needs doc"),
    (_with(sources=[]), "need at least one source"),
    (_with(kind="unanswerable"), "must have sources: []"),
    (_with(question=""), "question must be"),
    (_with(sources=[{"doc": "nowhere", "pages": None}]), "not in the corpus manifest"),
    ({k: v for k, v in VALID.items() if k != "expect"} | {"id": "one"}, "missing key(s): expect"),
])
def test_bad_items_are_named_in_the_error(tmp_path: Path, bad: dict[str, Any],
                                          message: str) -> None:
    path = _write(tmp_path, [_with(id="fine"), bad])
    with pytest.raises(GoldenFormatError) as err:
        load_golden(path, known_docs={"wt"})
    assert "golden.yaml item 2 (id 'one')" in str(err.value)
    assert message in str(err.value)


def test_duplicate_ids_and_non_list_files_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(GoldenFormatError, match="duplicate id 'one'"):
        load_golden(_write(tmp_path, [VALID, VALID]))
    with pytest.raises(GoldenFormatError, match="non-empty YAML list"):
        load_golden(_write(tmp_path, {"id": "x"}))


def test_the_packaged_golden_set_is_valid() -> None:
    from corpus.manifest import load_manifest

    docs = {d.id for d in load_manifest().documents}
    dev, test = load_golden(GOLDEN_PATH, docs), load_golden(TEST_PATH, docs)
    assert len(dev) >= 100 and set(KINDS) == {i.kind for i in dev}
    assert not {i.id for i in dev} & {i.id for i in test}
    kinds = [i.kind for i in test]  # the sealed split asks as practitioners do (issue 12)
    assert len(test) >= 80 and kinds.count("multi-part") >= 20 and kinds.count("list") >= 15
    assert kinds.count("procedure") >= 12


# ------------------------------------------------------------------------ floors
def test_floors_file_is_explicit_and_catches_a_five_point_drop() -> None:
    floors = load_floors(FLOORS_PATH)
    specs = floors["metrics"]
    assert set(specs) == set(METRICS) - UNGATED
    assert {specs[m]["better"] for m in ("over_refusal", "wrong_edition_rate", "latency_p95")} \
        == {"lower"}
    measured = {m: s["measured"] for m, s in specs.items()}
    assert check_floors(measured, floors) == []
    for metric in ("hit_at_k", "fact_accuracy"):
        dropped = measured | {metric: measured[metric] - 0.05}
        assert [m.split(":")[0] for m in check_floors(dropped, floors)] == [metric]
    worse = measured | {"latency_p95": specs["latency_p95"]["ceiling"] + 0.01,
                        "citation_recall": None}
    assert len(check_floors(worse, floors)) == 2


def test_make_floors_leaves_a_margin_of_at_least_one_item() -> None:
    rs = [score_item(item(id_=str(i)), answer(cites=[cite("wt", 3)],
                                              ps=passages(chunk("wt", 3))), pages, 5, 0.5)
          for i in range(50)]
    rs.append(score_item(item("unanswerable", (), (), id_="u"), answer(abstained=True), pages,
                         5, 0.5))
    floors = make_floors(EvalResult.build("hybrid", 5, "g.yaml", rs))["metrics"]
    assert floors["hit_at_k"] == {"better": "higher", "floor": 0.97, "measured": 1.0, "n": 50}
    assert floors["abstention_accuracy"]["floor"] == 0.0  # 1 item: one item's worth is 100%
    assert floors["over_refusal"]["ceiling"] == 0.03
    assert floors["latency_p95"] == {"better": "lower", "ceiling": 2.5, "measured": 0.5, "n": 51}
    slow = make_floors(EvalResult.build("hybrid", 5, "g.yaml", [replace(r, latency=2.0)
                                                                 for r in rs]))["metrics"]
    assert slow["latency_p50"]["ceiling"] == 6.0


# ------------------------------------------------------------------------ report and CLI
def _small_result(mode: str) -> EvalResult:
    rs = [score_item(item(id_="a"), answer(cites=[cite("wt", 3)], ps=passages(chunk("wt", 3))),
                     pages, 5, 0.2),
          score_item(item(id_="b | pipe"), answer("nothing", ps=passages(chunk("wt", 5))),
                     pages, 5, 0.4)]
    return EvalResult.build(mode, 5, "golden.yaml", rs)


def test_report_has_tables_relative_plots_and_baseline(tmp_path: Path) -> None:
    out = write_report(_small_result("hybrid"), tmp_path / "sub" / "rep.md",
                       _small_result("dense"), load_floors(FLOORS_PATH))
    text = out.read_text(encoding="utf-8")
    for png in ("rep_by_kind.png", "rep_by_edition.png", "rep_latency.png"):
        assert (out.parent / png).stat().st_size > 1000
        assert f"]({png})" in text
    assert "| hit_at_k | higher | 2 | 50.0% | 50.0% | +0.0 pt |" in text
    assert "## Failures — dense (1)" in text and "b \\| pipe" in text
    assert "wt p.5 ¶–" in text


def test_cli_writes_json_and_exits_1_when_floors_are_missed(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    golden = _write(tmp_path, [_with(answer_contains=["referral"],
                                     sources=[{"doc": "wt", "pages": [3]}])])
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"k": 5, "retriever": "hybrid", "metrics": {
        "hit_at_k": {"better": "higher", "floor": 0.5},
        "fact_accuracy": {"better": "higher", "floor": 0.9}}}), encoding="utf-8")
    # the command imports these when it runs (not at start), so they are patched at their source
    monkeypatch.setattr("assistant.service.Assistant", lambda settings: FakeAssistant())
    monkeypatch.setattr("corpus.manifest.load_manifest",
                        lambda: argparse.Namespace(documents=[argparse.Namespace(id="wt")]))
    parser = argparse.ArgumentParser()
    eval_cli.register(parser.add_subparsers())
    args = parser.parse_args(["eval", "--golden", str(golden), "--json", str(tmp_path / "o.json"),
                              "--baseline", "--check-floors", "--floors", str(floors)])
    from assistant.settings import Settings

    assert args.func(args, Settings(home=tmp_path)) == 1
    out = capsys.readouterr().out
    assert "fact_accuracy: 0.0000 is below its floor 0.9" in out
    assert "hit_at_k:" not in out.split("FLOORS MISSED:")[1]
    data = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert data["mode"] == "hybrid" and data["baseline"]["mode"] == "dense"
    assert data["metrics"]["hit_at_k"] == 1.0 and data["failures"][0]["id"] == "one"


def test_run_eval_draws_no_progress_bar_when_stderr_is_not_a_terminal(
        capfd: pytest.CaptureFixture[str]) -> None:
    items = [GoldItem("a", "q1", None, "fact", (), (GoldSource("wt", (3,)),))]
    capfd.readouterr()
    run_eval(FakeAssistant(), items, k=5)  # progress asked for, but stderr is captured
    err = capfd.readouterr().err
    assert "eval hybrid" not in err and "\r" not in err


def test_a_pattern_with_straight_quotes_matches_the_guidance_s_curly_ones() -> None:
    said = answer("“consult with children’s social care about any change” [1]",
                  cites=[cite("wt", 3, "consult with children’s social care")])
    ps = passages(chunk("wt", 3))
    assert score_item(item(contains=(r"consult with children's social care",)), said, pages, 5, 0).fact_ok
    assert score_item(item(contains=(r"consult with children’s social care",)), said, pages, 5, 0).fact_ok
    assert not score_item(item(contains=(r"consult with parents",)), answer(said.text, ps=ps), pages, 5,
                          0).fact_ok
