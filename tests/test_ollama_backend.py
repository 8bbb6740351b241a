"""The ollama backend against a loopback stand-in speaking Ollama's documented /api/chat streaming
format (no Ollama server can be installed here, so nothing was recorded from a real one)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.answer import ExtractiveGenerator
from assistant.generators import build_generator
from assistant.generators.base import LLMGenerator
from assistant.service import Assistant
from assistant.settings import Settings
from tests.conftest import source_number

pytest.importorskip("langchain_ollama", reason="langchain-ollama is not installed: run `make setup-llm`")

REPLY = ["An assessment ", "should end within ", "45 working days ", "of referral [{n}]."]


class OllamaStandIn(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        OllamaStandIn.requests.append({"path": self.path, **body})
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        n = source_number(body["messages"][-1]["content"], "45 working days")
        for piece in REPLY:
            piece = piece.format(n=n)
            line = {"model": body["model"], "created_at": "2025-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": piece}, "done": False}
            self.wfile.write((json.dumps(line) + "\n").encode())
        end = {"model": body["model"], "created_at": "2025-01-01T00:00:01Z",
               "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop",
               "total_duration": 1000, "prompt_eval_count": 10, "eval_count": 4}
        self.wfile.write((json.dumps(end) + "\n").encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def ollama_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OllamaStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_ollama_backend_streams_and_is_checked(ollama_url: str, tiny: Assistant) -> None:
    OllamaStandIn.requests.clear()
    extractive = tiny.generator
    assert isinstance(extractive, ExtractiveGenerator)
    settings = Settings(generator="ollama", ollama_base_url=ollama_url, ollama_model="qwen-test",
                        llm_max_tokens=50)
    gen = build_generator(settings, extractive)
    assert isinstance(gen, LLMGenerator)
    drafts: list[str] = []
    tiny.generator = gen
    try:
        ans = tiny.ask("How long can an assessment take from referral?", on_token=drafts.append)
    finally:
        tiny.generator = extractive
    [req] = OllamaStandIn.requests
    assert req["path"] == "/api/chat" and req["model"] == "qwen-test" and req["stream"] is True
    assert req["options"]["num_predict"] == 50 and req["options"]["temperature"] == 0.0
    assert "Source [1]:" in req["messages"][-1]["content"]
    assert len(drafts) > 1 and drafts[-1].startswith("An assessment should end within 45")
    assert ans.generator == "ollama" and ans.check["sentences_checked"] == 1
    assert ans.check["fallback"] is False
    assert ans.text.startswith("An assessment should end within 45 working days of referral [1].")
    assert all(c.verified for c in ans.citations)
