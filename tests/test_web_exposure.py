"""Safe to expose: the real web app over the real index, on a free loopback port.

Non-loopback serving needs a login, failed logins are throttled per client, the API schema is not
shown before login, bad API input is a 4xx with one message, and export files do not outlive the
server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).parent.parent


def test_serve_refuses_a_public_host_without_a_login(monkeypatch: pytest.MonkeyPatch) -> None:
    import app
    from assistant.settings import Settings
    from assistant.webview import ConfigError

    monkeypatch.delenv("SAFEGUIDE_AUTH", raising=False)
    with pytest.raises(ConfigError, match="SAFEGUIDE_AUTH.*--no-login"):
        app.serve(Settings(), host="0.0.0.0", port=free_port())


@pytest.mark.parametrize("args", [["serve", "--host", "0.0.0.0"], ["serve"]])
def test_cli_errors_are_one_line(args: list[str], tmp_path: Path) -> None:
    """Non-loopback without a login, and a malformed SAFEGUIDE_AUTH: one line, exit code 2."""
    env = {**os.environ, "SAFEGUIDE_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    env.pop("SAFEGUIDE_AUTH", None)
    if args == ["serve"]:
        env["SAFEGUIDE_AUTH"] = "ann"
    out = subprocess.run([sys.executable, "-m", "assistant.cli", *args, "--port",
                          str(free_port())], capture_output=True, text=True, env=env, timeout=120)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    assert lines[0].startswith("safeguide: ") and "Traceback" not in out.stderr
    assert ("--no-login" if args != ["serve"] else "user:password") in lines[0]


@pytest.mark.slow
@pytest.mark.integration
def test_login_throttle_schema_and_bad_input(web_assistant: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    import app

    monkeypatch.setenv("SAFEGUIDE_AUTH", "ann:s3cret-pw")
    settings = web_assistant.settings.model_copy(update={"home": tmp_path})
    demo = app.build_app(web_assistant, settings)
    url = app.launch(demo, "127.0.0.1", free_port(), app.auth_pairs(settings), block=False)
    try:
        # the login page carries no endpoint schema
        page = httpx.get(url).text
        assert "window.gradio_api_info = null;" in page and '"/ask"' not in page
        assert httpx.get(f"{url}gradio_api/info").status_code == 401
        # failed sign-ins are throttled: after 5, even the right password waits
        t0 = time.perf_counter()
        codes = [httpx.post(f"{url}login", data={"username": "ann", "password": f"x{i}"}).status_code
                 for i in range(8)]
        assert codes[:5] == [400] * 5 and codes[5:] == [429] * 3, codes
        right = httpx.post(f"{url}login", data={"username": "ann", "password": "s3cret-pw"})
        assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
        print(f"\n8 wrong passwords in {time.perf_counter() - t0:.2f} s; then 429 "
              f"(retry after {right.headers['retry-after']} s)")
    finally:
        demo.close()


@pytest.mark.slow
@pytest.mark.integration
def test_bad_api_input_is_422_and_exports_are_gone_after_shutdown(web_assistant: Any,
                                                                    tmp_path: Path) -> None:
    import httpx

    import app
    from assistant.webchat import Turn

    settings = web_assistant.settings.model_copy(update={"home": tmp_path})
    demo = app.build_app(web_assistant, settings)
    url = app.launch(demo, "127.0.0.1", free_port(), None, block=False)
    svc = demo.sg_service
    try:
        bad = httpx.post(f"{url}gradio_api/run/ask", json={"data": [42, {"x": 1}, ""]})
        assert bad.status_code == 422 and "must be text" in bad.json()["error"]
        bad = httpx.post(f"{url}gradio_api/call/ask", content=b"{not json")
        assert bad.status_code == 422
        short = httpx.post(f"{url}gradio_api/run/ask", json={"data": ["What is early help?"]})
        assert short.status_code == 422 and "Expected 3 values" in short.json()["error"]
        good = httpx.post(f"{url}gradio_api/run/ask",
                          json={"data": ["What is early help?", "current", ""]}, timeout=120)
        assert good.status_code == 200 and "[1]" in good.json()["data"][0]["answer"]
        question = "How long can a social care assessment take from the point of referral?"
        _, answer, _ = svc.ask(question, "current", "", None)  # cites the Working Together PDF
        turn = Turn(question, question, question, answer, datetime.now(UTC))
        exported = Path(svc.export(turn, "json"))
        image, size = svc.page_image(answer.citations[0])
        assert image and size[0] > 500 and size[1] > 500
        assert exported.is_file() and question in exported.read_text()
    finally:
        demo.close()
    deadline = time.time() + 10
    while time.time() < deadline and (svc.export_dir.exists() or svc.pages.folder.exists()):
        time.sleep(0.2)
    assert not exported.exists() and not svc.export_dir.exists()
    assert not svc.pages.folder.exists(), image
