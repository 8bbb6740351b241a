"""Written answers with a fake chat model: prompt, citation check, fallback, streaming, factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import ExtractiveGenerator
from assistant.errors import SafeguideError
from assistant.generators import build_generator
from assistant.generators.base import LLMGenerator
from assistant.generators.chat import LangChainBackend
from assistant.generators.local import LlamaCppBackend, LocalModelError
from assistant.generators.stream import TokenStream
from assistant.records import Answer
from assistant.service import Assistant
from assistant.settings import Settings
from tests.conftest import FakeChat, source_number

QUESTION = "How long can an assessment take from referral?"


def ask_with(tiny: Assistant, chat: FakeChat, question: str = QUESTION, **kw: object) -> Answer:
    extractive = tiny.generator
    assert isinstance(extractive, ExtractiveGenerator)
    tiny.generator = LLMGenerator("fake", chat, extractive)
    try:
        return tiny.ask(question, **kw)  # type: ignore[arg-type]
    finally:
        tiny.generator = extractive


def test_supported_answer_is_kept_with_a_verified_quote(tiny: Assistant) -> None:
    chat = FakeChat(lambda p: f"An assessment should end within 45 working days of referral "
                              f"[{source_number(p, '45 working days')}].")
    ans = ask_with(tiny, chat)
    assert "Source [1]:" in chat.prompts[0] and QUESTION in chat.prompts[0]
    assert not ans.abstained and ans.generator == "fake"
    assert ans.text.startswith("An assessment should end within 45 working days of referral [1].")
    assert len(ans.citations) == 1 and ans.citations[0].verified
    assert "45 working days" in ans.citations[0].quote
    data = ans.as_json()
    assert data["check"] == {"sentences_checked": 1, "sentences_removed": 0,
                             "sentences_replaced": 0, "fallback": False}
    assert data["generator"] == "fake" and "llm_first_token" in data["timings_ms"]


def test_unsupported_sentences_are_removed_and_said(tiny: Assistant) -> None:
    def reply(p: str) -> str:
        n = source_number(p, "45 working days")
        return (f"An assessment should end within 45 working days of referral [{n}]. "
                f"It must always finish within 10 days [{n}]. Ask your manager [9].")

    ans = ask_with(tiny, FakeChat(reply))
    assert "10 days" not in ans.text and "[9]" not in ans.text and "manager" not in ans.text
    assert "Citation check:" in ans.text
    assert ans.check["sentences_checked"] == 3 and ans.check["fallback"] is False
    assert ans.check["sentences_removed"] + ans.check["sentences_replaced"] == 2
    shown = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", ans.text)}
    assert shown == {c.marker for c in ans.citations}  # every [n] resolves


def test_nothing_survives_falls_back_to_the_quotes(tiny: Assistant) -> None:
    ans = ask_with(tiny, FakeChat("I am not sure about that."))
    assert not ans.abstained and ans.check["fallback"] is True
    assert "quoted instead" in ans.text
    assert any("45 working days" in c.quote for c in ans.citations)
    assert all(c.verified for c in ans.citations)


def test_unanswerable_question_never_calls_the_model(tiny: Assistant) -> None:
    chat = FakeChat("Referees wear black [1].")
    ans = ask_with(tiny, chat, "What colour uniform should a football referee wear?")
    assert ans.abstained and not chat.prompts


def test_stream_hands_over_drafts_then_the_checked_answer(tiny: Assistant) -> None:
    chat = FakeChat(lambda p: f"An assessment should end within 45 working days of referral "
                              f"[{source_number(p, '45 working days')}]. Then stop [7].")
    extractive = tiny.generator
    assert isinstance(extractive, ExtractiveGenerator)
    tiny.generator = LLMGenerator("fake", chat, extractive)
    try:
        stream = TokenStream(lambda on_token: tiny.ask(QUESTION, on_token=on_token))
        drafts = list(stream)
        ans = stream.result()
    finally:
        tiny.generator = extractive
    raw = chat.reply(chat.prompts[0])  # type: ignore[operator]
    assert drafts and all(raw.startswith(d) for d in drafts)  # growing prefixes of the draft
    assert "Then stop" not in ans.text  # the shown answer is the checked one


def test_stream_reraises_the_worker_error() -> None:
    def boom(on_token):  # type: ignore[no-untyped-def]
        on_token("partial")
        raise SafeguideError("server down")

    stream = TokenStream(boom)
    assert list(stream) in (["partial"], [])
    with pytest.raises(SafeguideError, match="server down"):
        stream.result()


def test_factory_builds_each_backend_cheaply(tiny: Assistant, tmp_path: Path) -> None:
    extractive = tiny.generator
    assert isinstance(extractive, ExtractiveGenerator)
    base = tiny.settings
    assert build_generator(base, extractive) is extractive
    local = build_generator(base.model_copy(update={"generator": "local",
                                                   "llm_model_path": tmp_path / "none.gguf"}), extractive)
    assert isinstance(local, LLMGenerator) and isinstance(local.backend, LlamaCppBackend)
    with pytest.raises(LocalModelError, match="make setup-llm"):
        list(local.backend.stream([{"role": "user", "content": "hi"}]))
    with pytest.raises(SafeguideError, match="OPENAI_BASE_URL"):
        build_generator(base.model_copy(update={"generator": "openai"}), extractive)
    secret = Settings(generator="openai", openai_base_url="http://127.0.0.1:9/v1",
                      openai_api_key="sk-very-secret")  # type: ignore[arg-type]
    openai = build_generator(secret, extractive)
    assert isinstance(openai, LLMGenerator) and isinstance(openai.backend, LangChainBackend)
    assert "sk-very-secret" not in repr(openai.backend) + repr(secret) + str(secret.model_dump())
    ollama = build_generator(base.model_copy(update={"generator": "ollama"}), extractive)
    assert isinstance(ollama, LLMGenerator) and ollama.name == "ollama"
    with pytest.raises(SafeguideError, match="unknown generator"):
        build_generator(base.model_copy(update={"generator": "gpt"}), extractive)


def test_server_errors_become_one_clear_line(tiny: Assistant) -> None:
    from tests.conftest import free_port

    pytest.importorskip("langchain_openai", reason="the openai backend needs the LLM extras: "
                        "run `make setup-llm`")
    backend = LangChainBackend("openai", "m", f"http://127.0.0.1:{free_port()}/v1", timeout_s=5)
    with pytest.raises(SafeguideError, match="openai server .* failed"):
        list(backend.stream([{"role": "user", "content": "hi"}]))


def test_model_parts_join_in_order_and_a_mismatch_is_refused(tmp_path: Path) -> None:
    import hashlib

    from assistant.llm_setup import ModelError, join_parts

    parts = []
    for n in range(1, 12):  # part10 and part11 come after part9
        parts.append(tmp_path / f"part{n:02d}.bin")
        parts[-1].write_bytes(bytes([n]) * 3)
    whole = b"".join(p.read_bytes() for p in parts)
    sha = hashlib.sha256(whole).hexdigest()
    target = tmp_path / "models" / "m.gguf"
    assert join_parts(parts, target, sha, len(whole)).read_bytes() == whole
    stamp = target.stat().st_mtime_ns
    join_parts(parts, target, sha, len(whole))  # already verified: left alone
    assert target.stat().st_mtime_ns == stamp
    other = tmp_path / "other.gguf"
    with pytest.raises(ModelError, match="does not match"):
        join_parts(list(reversed(parts)), other, sha, len(whole))
    assert not other.exists() and not other.with_suffix(".gguf.part").exists()
