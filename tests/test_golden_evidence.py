"""Every golden item's evidence is really on a listed page, and its regexes match that evidence.

Both splits are checked: `dev` (evals/golden.yaml) and the sealed `test` (evals/golden-test.yaml),
and the held-out batches in evals/holdout/.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.text import normalise
from corpus.manifest import load_manifest
from evals.scorer import SPLITS, GoldItem, load_golden
from ingest.readers import read_pages
from ingest.records import Page

HOLDOUT = sorted((Path(__file__).resolve().parents[1] / "evals" / "holdout").glob("*.yaml"))
ITEMS = [item for path in [*SPLITS.values(), *HOLDOUT] if path.exists() for item in load_golden(path)]
CORPUS = Settings().corpus


@cache
def _pages(doc_id: str) -> list[Page]:
    return read_pages(CORPUS / load_manifest().doc(doc_id).file, doc_id)


def test_ids_are_unique_across_splits() -> None:
    ids = [i.id for i in ITEMS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("item", [i for i in ITEMS if i.sources], ids=lambda i: i.id)
def test_evidence_is_on_a_listed_page(item: GoldItem) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder {CORPUS} is missing")
    assert item.evidence, f"{item.id}: evidence is empty"
    listed = [(s.doc, p.number) for s in item.sources for p in _pages(s.doc)
              if s.pages is None or p.number in s.pages]
    for passage in item.evidence:
        evidence = normalise(passage)
        assert any(evidence in normalise(p.text) for s in item.sources for p in _pages(s.doc)
                   if s.pages is None or p.number in s.pages), (
            f"{item.id}: evidence {passage[:60]!r} not found on the listed pages "
            f"{sorted(set(listed))[:12]}; elsewhere on: "
            + str([(s.doc, p.number) for s in item.sources for p in _pages(s.doc)
                   if evidence in normalise(p.text)]))


@pytest.mark.parametrize("item", [i for i in ITEMS if i.answer_contains], ids=lambda i: i.id)
def test_answer_patterns_match_the_evidence(item: GoldItem) -> None:
    texts = [t for e in item.evidence for t in (e, normalise(e))]
    missing = [p for p in item.answer_contains if not any(re.search(p, t, re.I) for t in texts)]
    assert not missing, f"{item.id}: {missing} do not match its evidence {item.evidence!r}"
