"""The web chat through its HTTP API (gradio_client): concurrency, escaping, follow-ups, feedback.

Runs the real app over a real index on a free loopback port in a thread.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.load import QUESTIONS  # the load benchmark asks the same ten questions
from tests.conftest import free_port

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

pytestmark = [pytest.mark.slow, pytest.mark.integration]



@pytest.fixture(scope="module")
def web_url(web_assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import app

    app.warm(web_assistant)
    home = tmp_path_factory.mktemp("web-home")  # feedback goes here, not to the real home
    demo = app.build_app(web_assistant, web_assistant.settings.model_copy(update={"home": home}))
    url = app.launch(demo, "127.0.0.1", free_port(), block=False)
    yield url
    demo.close()


def last_text(history: list[dict[str, Any]]) -> str:
    content = history[-1]["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return str(content)


def chat(client: Any, question: str, edition: str = "current", as_at: str = "") -> tuple[Any, ...]:
    return tuple(client.predict(question, [], edition, as_at, api_name="/chat"))


def test_ten_concurrent_questions_all_get_cited_answers(web_url: str) -> None:
    from gradio_client import Client

    client = Client(web_url, verbose=False)
    jobs = [client.submit(q, [], "current", "", api_name="/chat") for q in QUESTIONS]
    results = [job.result(timeout=300) for job in jobs]
    for question, (history, _msg, _status, copy) in zip(QUESTIONS, results, strict=True):
        html = last_text(history)
        assert "[1]" in html, question
        assert 'class="sg-card"' in html and "<mark>" in html, question
        assert "[1]" in copy and "Question:" in copy


def test_ten_concurrent_clients_on_the_json_api(web_url: str) -> None:
    from gradio_client import Client

    def ask(question: str) -> dict[str, Any]:
        return dict(Client(web_url, verbose=False).predict(question, "current", "",
                                                           api_name="/ask"))

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(ask, QUESTIONS))
    for question, ans in zip(QUESTIONS, answers, strict=True):
        assert not ans["abstained"] and "[1]" in ans["answer"], question
        assert all(c["verified"] for c in ans["citations"])


def test_script_is_escaped_and_errors_are_one_line(web_url: str) -> None:
    from gradio_client import Client

    client = Client(web_url, verbose=False)
    history, *_ = chat(client, "What is early help? <script>alert(1)</script>")
    user = last_text(history[:-1])
    assert "<script>" not in user and "&lt;script&gt;alert(1)&lt;/script&gt;" in user
    history, *_ = chat(client, "   ")
    assert "question is empty" in last_text(history) and "Traceback" not in last_text(history)
    history, *_ = chat(client, "What is early help?", as_at="May 2019")
    assert "YYYY-MM-DD" in last_text(history)


def test_case_details_warning_and_follow_up_carry_over(web_url: str) -> None:
    from gradio_client import Client

    client = Client(web_url, verbose=False)
    _, _, status, _ = chat(client, "Who are the safeguarding partners? Jane Smith, SW1A 1AA")
    assert "case details" in status and "a name" in status
    history, _, status, _ = chat(client, "and in 2018?")
    assert "Carried over: topic" in status and "in 2018" in status
    assert "Working Together 2018" in last_text(history)


def test_edition_control_and_compare(web_url: str) -> None:
    from gradio_client import Client

    client = Client(web_url, verbose=False)
    history, *_ = chat(client, "Who are the safeguarding partners?",
                       edition="Working Together 2018")
    assert "Edition used: Working Together 2018" in last_text(history)
    html = client.predict("kcsie", "2024", "2025", "filtering", api_name="/compare")
    assert "Changes from KCSIE 2024 to KCSIE 2025 about “filtering”" in html
    assert '<ins class="sg-ins">' in html and "✓ quote checked" in html
    history, *_ = chat(client, "Who are the safeguarding partners?", as_at="2019-05-01")
    assert "Working Together 2018" in last_text(history)


def test_feedback_and_export_files(web_assistant: Any, tmp_path: Path) -> None:
    import app
    from assistant.settings import Settings

    settings = Settings(home=tmp_path, embed_model=web_assistant.settings.embed_model)
    svc = app.ChatService(web_assistant, settings)
    question = "How long can a social care assessment take from the point of referral?"
    follow, answer, _ = svc.ask(question, app.CURRENT, "", None)
    turn = app.Turn(question, follow.question, follow.topic, answer, datetime.now(UTC))
    svc.feedback(turn, "up", "clear", include_question=False)
    svc.feedback(turn, "down", "", include_question=True)
    lines = [json.loads(x) for x in (tmp_path / "feedback.jsonl").read_text().splitlines()]
    assert "question" not in lines[0] and lines[0]["comment"] == "clear"
    assert lines[1]["question"] == question
    record = json.loads(Path(svc.export(turn, "json")).read_text())
    assert record["quotes"] and record["corpus_fingerprint"] == svc.fingerprint
    assert record["settings"]["embed_model"] == settings.embed_model
    markdown = Path(svc.export(turn, "md")).read_text()
    assert markdown.startswith(f"# {question}") and "## Verified quotes" in markdown


def test_login_required_when_auth_is_set(web_assistant: Any, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    import httpx
    from gradio_client import Client

    import app

    monkeypatch.setenv("SAFEGUIDE_AUTH", "ann:s3cret-pw")
    settings = web_assistant.settings.model_copy(update={"home": tmp_path})
    demo = app.build_app(web_assistant, settings)
    url = app.launch(demo, "127.0.0.1", free_port(), app.auth_pairs(settings), block=False)
    try:
        assert httpx.get(f"{url}config").status_code == 401
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
            Client(url, auth=("ann", "wrong"), verbose=False)
        ans = Client(url, auth=("ann", "s3cret-pw"), verbose=False).predict(
            "What is early help?", "current", "", api_name="/ask")
        assert "[1]" in ans["answer"]
    finally:
        demo.close()


def test_web_chat_shows_comparisons_renames_and_supersession(web_url: str) -> None:
    from gradio_client import Client

    client = Client(web_url, verbose=False)
    history, *_ = chat(client, "What changed in KCSIE 2025 about misinformation?")
    html = last_text(history)
    assert "Changes from KCSIE 2024 to KCSIE 2025" in html and "para 135" in html
    assert '<ins class="sg-ins">' in html and '<del class="sg-del">' in html
    history, *_ = chat(client, "What online content risks did KCSIE 2024 list, such as fake news?")
    html = last_text(history)
    assert "now superseded: KCSIE 2025 (current) changed it" in html
    history, *_ = chat(client, "What are LSCBs responsible for now?")
    assert "Outdated term: “LSCBs”" in last_text(history)
