""""What should I do?" about a situation the guidance does not describe: its general steps for
acting on a concern, signposted as such; other unsupported questions still abstain."""

from __future__ import annotations

import pytest

from assistant.answer import GENERAL_STEPS
from assistant.service import Assistant
from tests.conftest import fake_index

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
    settings, manifest, emb = fake_index(tmp_path_factory.mktemp("general") / "home", PAGES,
                                         doc_id="kcsie-2025", title="KCSIE test", file="kcsie.pdf")
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
