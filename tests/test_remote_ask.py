"""`safeguide ask` through a running server (assistant/remote.py), against a scripted HTTP server:
the reply is printed as a local answer would be, refusals are refused alike, and anything else
falls back to answering in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from assistant import cli, discovery, remote
from assistant.errors import ServerRefused
from assistant.settings import PROJECT_ROOT, Settings

ANSWER = {"question": "Q?", "answer": "“A quote.” [1]\n\n[1] Somewhere, page 3", "body": "b",
          "abstained": False, "edition_used": "Working Together 2023", "citations": [],
          "support": 0.91, "timings_ms": {"total": 12.0}}


class Scripted(BaseHTTPRequestHandler):
    """Replies with the server's `reply` (status, body); records each request."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("content-length", 0))
        self.server.requests.append((self.path, dict(self.headers),  # type: ignore[attr-defined]
                                     json.loads(self.rfile.read(length))))
        status, body = self.server.reply  # type: ignore[attr-defined]
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    httpd.requests = []  # type: ignore[attr-defined]
    httpd.reply = (200, ANSWER)  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def settings(tmp_path: Path, server: ThreadingHTTPServer) -> Settings:
    settings = Settings(home=tmp_path / "home")
    discovery.announce(settings, f"http://127.0.0.1:{server.server_address[1]}/", login=False)
    return settings


def test_the_servers_answer_is_the_ask_json_object(settings: Settings, server: Any) -> None:
    from datetime import date

    got = remote.ask_server(settings, "Q?", "2018", date(2019, 5, 1), "national")
    assert got == {k: v for k, v in ANSWER.items() if k != "question"}
    assert list(got or {}) == [k for k in ANSWER if k != "question"]  # in the same order
    path, _headers, body = server.requests[0]
    assert path == "/api/v1/ask"
    assert body == {"question": "Q?", "edition": "2018", "as_of": "2019-05-01", "source": "national"}


def test_a_question_the_server_refuses_is_refused_with_its_reason(settings: Settings,
                                                                  server: Any) -> None:
    server.reply = (400, {"detail": "The question is empty: type a question about the guidance."})
    with pytest.raises(ServerRefused, match="^The question is empty: type a question"):
        remote.ask_server(settings, " ", None, None, "all")


@pytest.mark.parametrize("reply", [(503, {"detail": "busy"}), (500, {"detail": "oops"}),
                                   (401, {"detail": "Sign in"}), (200, {"unexpected": 1})])
def test_any_other_reply_means_answer_in_process(settings: Settings, server: Any,
                                                 reply: tuple[int, dict[str, Any]]) -> None:
    server.reply = reply
    assert remote.ask_server(settings, "Q?") is None


def test_a_server_that_stopped_listening_means_answer_in_process(settings: Settings,
                                                                 server: Any) -> None:
    server.shutdown()
    server.server_close()
    assert remote.ask_server(settings, "Q?") is None


def test_no_server_means_answer_in_process(tmp_path: Path) -> None:
    assert remote.ask_server(Settings(home=tmp_path), "Q?") is None


def test_login_credentials_go_to_a_server_that_asks_for_them(tmp_path: Path, server: Any) -> None:
    settings = Settings(home=tmp_path / "home", auth="ann:long:password,raj:x")
    discovery.announce(settings, f"http://127.0.0.1:{server.server_address[1]}/", login=True)
    assert remote.ask_server(settings, "Q?") is not None
    headers = {k.lower(): v for k, v in server.requests[0][1].items()}
    assert headers["authorization"] == "Basic YW5uOmxvbmc6cGFzc3dvcmQ="  # ann / long:password


@pytest.mark.parametrize(("edition", "passes"), [(None, True), ("2018", True), ("kcsie-2024", True),
                                                 ("current", False), ("Current", False), ("", False),
                                                 (" 2018", False)])
def test_only_editions_the_api_reads_as_typed_go_to_the_server(edition: str | None,
                                                               passes: bool) -> None:
    assert remote.passes_through(edition) is passes


@pytest.mark.parametrize("as_json", [False, True])
def test_ask_prints_the_servers_answer_as_a_local_answer_would_be_printed(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        as_json: bool) -> None:
    monkeypatch.setenv("SAFEGUIDE_HOME", str(settings.home))
    assert cli.main(["ask", "Q?", *(["--json"] if as_json else [])]) == 0
    out = capsys.readouterr().out
    expected = {k: v for k, v in ANSWER.items() if k != "question"}
    assert out == (json.dumps(expected, ensure_ascii=False) if as_json else str(ANSWER["answer"])) + "\n"


def test_a_refusal_is_one_line_and_exit_code_2(settings: Settings, server: Any,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    server.reply = (400, {"detail": "Unknown edition '1066'."})
    monkeypatch.setenv("SAFEGUIDE_HOME", str(settings.home))
    assert cli.main(["ask", "--edition", "1066", "Q?"]) == 2
    assert capsys.readouterr().err == "safeguide: Unknown edition '1066'.\n"


FAST_PATH = """
import sys, threading
from http.server import ThreadingHTTPServer
from assistant import cli, discovery
from assistant.settings import Settings
from tests.test_remote_ask import Scripted, ANSWER
httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
httpd.requests, httpd.reply = [], (200, ANSWER)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
discovery.announce(Settings(), f"http://127.0.0.1:{httpd.server_address[1]}/", login=False)
assert cli.main(["ask", "Q?"]) == 0 and httpd.requests
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers", "chromadb", "bm25s",
                           "matplotlib", "gradio", "numpy", "assistant.service") if m in sys.modules)
print("heavy:", heavy)
"""


def test_asking_a_running_server_loads_no_model_index_or_plotting_library(tmp_path: Path) -> None:
    env = {**os.environ, "SAFEGUIDE_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", FAST_PATH], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "heavy: []"
