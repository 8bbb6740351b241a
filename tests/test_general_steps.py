""""What should I do?" about a situation the guidance does not describe: its general steps for
acting on a concern, signposted as such; other unsupported questions still abstain."""

from __future__ import annotations

import pytest

from assistant.answer import GENERAL_STEPS
from assistant.service import Assistant
from assistant.settings import Settings
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of
from ingest.pipeline import run_ingest
from tests.conftest import FakeEmbedder, make_pdf

PAGES = [
    ["Part one: What staff should do if they have concerns about a child",
     "50. If staff have any concerns about a child's welfare, they should act on them immediately.",
     "51. They should follow their organisation's child protection policy and speak to the "
     "designated safeguarding lead.",
     "52. Where a child is suffering or likely to suffer harm, a referral should be made to local "
     "authority children's social care and, if appropriate, the police."],
    ["Part two: Governance",
     "60. Governing bodies must ensure that the school has an effective records policy."],
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("general")
    settings = Settings(home=root / "home", abstain_threshold=0.5,  # word coverage only (fake model)
                        abstain_weights={"bias": -3.0, "best": 15.0})
    src = settings.corpus_dir
    src.mkdir(parents=True)
    make_pdf(src / "kcsie.pdf", PAGES)
    base = load_manifest()
    doc = Document(id="kcsie-2025", file="kcsie.pdf", title="KCSIE test", series="kcsie",
                   edition="2025", kind="statutory-guidance", status="in-force",
                   numbered_paragraphs=True, sha256=sha256_of(src / "kcsie.pdf"))
    manifest = Manifest(series=base.series, editions=base.editions, documents=[doc])
    emb = FakeEmbedder()
    run_ingest(settings, manifest, emb)
    return Assistant(settings, manifest=manifest, embedder=emb)


def test_an_unfamiliar_situation_gets_the_general_steps_signposted(assistant: Assistant) -> None:
    answer = assistant.ask("A girl at the sailing club mentioned her uncle's caravan trips. "
                           "What should I do?")
    assert not answer.abstained
    assert GENERAL_STEPS in answer.text
    assert any("act on them immediately" in c.quote for c in answer.citations)


def test_other_unsupported_questions_still_abstain(assistant: Assistant) -> None:
    answer = assistant.ask("What colour should the caravan club's sailing flags be?")
    assert answer.abstained
    assert GENERAL_STEPS not in answer.text
