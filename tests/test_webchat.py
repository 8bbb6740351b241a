"""The web chat's control rules (assistant/webchat.py) over the tiny fake-embedder corpus."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assistant.errors import QuestionError
from assistant.webchat import CURRENT, ChatService


@pytest.fixture(scope="module")
def svc(tiny: Any) -> ChatService:
    return ChatService(tiny, tiny.settings)


def test_an_edition_or_date_in_the_question_wins_over_the_controls_and_says_so(svc: ChatService) -> None:
    scope = svc.scope("Who are the safeguarding partners — in 2018?", "Working Together 2023",
                      "2024-01-01")
    assert scope.edition is None and scope.as_of is None
    assert "names 2018" in scope.why and "Working Together 2023" in scope.why
    assert "as-at date 1 January 2024" in scope.why and "were not used" in scope.why
    assert "names 1 May 2019" in svc.scope("What applied as at 1 May 2019?", CURRENT, None).why
    # each year the question names, short edition names too
    assert "names 2023 and 2018, so those are used" in svc.scope(
        "Who are the partners under WT23, and who were they under WT 2018?", CURRENT, None).why


def test_controls_apply_when_the_question_names_nothing(svc: ChatService) -> None:
    scope = svc.scope("Who are the safeguarding partners?", "Working Together 2023", None)
    assert scope.edition == "Working Together 2023" and "Edition control" in scope.why
    scope = svc.scope("Who are the safeguarding partners?", CURRENT, "2019-05-01")
    assert scope.as_of == date(2019, 5, 1) and "as-at date" in scope.why
    assert svc.scope("Who are the safeguarding partners?", CURRENT, "").why == ""
    # Children Act 1989 is not an edition year
    assert svc.scope("What does the Children Act 1989 say?", CURRENT, None).why == ""


def test_typed_years_match_the_one_edition_they_name(svc: ChatService) -> None:
    assert svc.match_edition("2023") == "Working Together 2023"
    assert svc.match_edition("working together 2023") == "Working Together 2023"
    assert svc.match_edition("Current (in force)") == CURRENT and svc.match_edition("") == CURRENT
    with pytest.raises(QuestionError, match="matches no edition held.*Working Together 2023"):
        svc.match_edition("1999")


def test_a_named_edition_is_not_called_named_in_the_question(svc: ChatService) -> None:
    _, answer, scope = svc.ask("How long can an assessment take?", "Working Together 2023", None,
                               None)
    assert not any("as named in the question" in n for n in answer.notices)
    assert scope.edition == "Working Together 2023"


def test_follow_up_inherits_only_what_it_does_not_state(svc: ChatService) -> None:
    follow, _, scope = svc.ask("and in 2023?", CURRENT, "2019-05-01", "How long can an assessment take?")
    assert follow.carried and follow.question.startswith("How long can an assessment take")
    assert scope.as_of is None and "names 2023" in scope.why  # the stated year wins over the date box


def _page_fn(demo: Any, api_name: str) -> Any:
    return next(f for f in demo.fns.values() if f.api_name == api_name)


def test_search_control_is_wired_to_the_chat_and_shown_only_with_local_documents(
        tiny: Any, tiny_local: Any) -> None:
    import app

    demo = app.build_app(tiny_local, tiny_local.settings)
    try:
        chat = _page_fn(demo, "chat")
        ids = [getattr(b, "elem_id", None) for b in chat.inputs]
        assert ids[:4] == ["sg-question", "sg-chat", "sg-edition", "sg-asat"]
        # the Search control feeds chat's last input (a session State), not the /chat API
        (mirror,) = [f for f in demo.fns.values()
                     if [getattr(b, "elem_id", None) for b in f.inputs] == ["sg-source"]]
        assert mirror.outputs == [chat.inputs[5]] and mirror.fn("local") == "local"
        control = mirror.inputs[0]
        assert control.visible and [v for _, v in control.choices] == ["all", "national", "local"]
        question = "How quickly is a strategy discussion held in Northshire?"
        outputs = {}
        for source in ("local", "national"):
            *_, last = chat.fn(question, [], CURRENT, "", {}, source)
            outputs[source] = last[0][-1]["content"]
        assert "within 2 working days" in outputs["local"] and "Northshire" in outputs["local"]
        assert "within 2 working days" not in outputs["national"]
        assert "No local document" not in outputs["local"]
        assert [n for n, _, _ in app.API_SPECS["chat"]] == ["message", "history", "edition", "as_at"]
    finally:
        demo.sg_service.close()
    plain = app.build_app(tiny, tiny.settings)
    try:
        (mirror,) = [f for f in plain.fns.values()
                     if [getattr(b, "elem_id", None) for b in f.inputs] == ["sg-source"]]
        assert not mirror.inputs[0].visible  # nothing local held: not shown
    finally:
        plain.sg_service.close()


def test_chat_service_passes_the_source(tiny_local: Any) -> None:
    svc = ChatService(tiny_local, tiny_local.settings)
    try:
        assert svc.has_local()
        _, answer, _ = svc.ask("How quickly is a strategy discussion held in Northshire?", None,
                               None, None, source="local")
        assert answer.citations and all(c.local for c in answer.citations)
        _, answer, _ = svc.ask("How long can an assessment take from referral?", None, None, None,
                               source="national")
        assert answer.citations and not any(c.local for c in answer.citations)
    finally:
        svc.close()
