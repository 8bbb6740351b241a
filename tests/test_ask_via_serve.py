"""`safeguide ask` with `safeguide serve` running on the real test index: the server answers, and
its output is the in-process output (text and --json, timings aside); the record goes when it stops."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import discovery
from assistant.settings import PROJECT_ROOT, Settings
from tests.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]
QUESTION = "How long can a social care assessment take?"


@pytest.fixture(scope="module")
def env(real_index: Settings) -> dict[str, str]:
    env = {**os.environ, "SAFEGUIDE_HOME": str(real_index.home), "SAFEGUIDE_CORPUS": str(real_index.corpus),
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    for name in ("SAFEGUIDE_CHROMA_URL", "SAFEGUIDE_AUTH", "SAFEGUIDE_GENERATOR"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def served(env: dict[str, str], real_index: Settings,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    out_path = tmp_path_factory.mktemp("serve") / "out.txt"
    with out_path.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(free_port())],
                                env=env, stdout=out, stderr=subprocess.DEVNULL, cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 300
    while "ready" not in out_path.read_text() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "ready" in out_path.read_text(), "serve did not start"
    yield proc
    proc.terminate()
    proc.wait(timeout=60)


def ask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "-v", "ask", *args], env=env,
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return out


def no_timings(text: str) -> dict[str, object]:
    data = json.loads(text)
    data.pop("timings_ms")
    return data


@pytest.mark.parametrize("args", [[QUESTION], ["--as-of", "2019-01-01", QUESTION],
                                  ["--edition", "kcsie-2024", "What is early help?"]])
def test_ask_through_serve_prints_what_an_in_process_ask_prints(
        env: dict[str, str], served: subprocess.Popen[bytes], args: list[str]) -> None:
    remote_text, local_text = ask(env, *args), ask(env, "--local", *args)
    assert "answered by the server" in remote_text.stderr
    assert "answered by the server" not in local_text.stderr
    assert remote_text.stdout == local_text.stdout and remote_text.stdout.strip()
    remote_json, local_json = ask(env, "--json", *args), ask(env, "--json", "--local", *args)
    assert "answered by the server" in remote_json.stderr
    assert no_timings(remote_json.stdout) == no_timings(local_json.stdout)


def test_a_generator_other_than_the_servers_is_answered_in_process(
        env: dict[str, str], served: subprocess.Popen[bytes], real_index: Settings) -> None:
    assert discovery.find_server(real_index.model_copy(update={"generator": "ollama"})) is None
    assert discovery.find_server(real_index.model_copy(update={"generator": "extractive"})) is not None


def test_the_servers_record_goes_when_it_stops(env: dict[str, str], real_index: Settings,
                                               tmp_path: Path) -> None:
    out_path = tmp_path / "out.txt"
    with out_path.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(free_port())],
                                env=env, stdout=out, stderr=subprocess.DEVNULL, cwd=PROJECT_ROOT)
    try:
        deadline = time.monotonic() + 300
        while "ready" not in out_path.read_text() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        record = discovery.run_dir(real_index) / f"serve-{proc.pid}.json"
        assert record.is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert not record.exists()
