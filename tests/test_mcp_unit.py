"""The MCP tools and login wiring on the tiny fake-model corpus (fast; the real corpus is in
tests/test_mcp.py): the app with MCP on, the official `mcp` client over streamable HTTP."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assistant.api.mcp_tools import TOOL_NAMES
from tests.conftest import free_port

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
pytestmark = pytest.mark.slow  # ~15 s: Gradio's start-up and the tiny ingest; no real models
LOGIN = {"Authorization": "Basic " + base64.b64encode(b"ann:pw-for-tests").decode()}


@pytest.fixture(scope="module")
def url(tiny: Any) -> Iterator[str]:
    import app

    demo = app.build_app(tiny, tiny.settings)
    yield app.launch(demo, "127.0.0.1", free_port(), [("ann", "pw-for-tests")], block=False,
                     assistant=tiny)
    demo.close()


def call(url: str, calls: list[tuple[str, dict[str, Any]]], headers: dict[str, str]) -> Any:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run() -> Any:
        http = httpx.AsyncClient(headers=headers, timeout=60)
        async with (http, streamable_http_client(url + "gradio_api/mcp/", http_client=http) as (r, w, _),
                    ClientSession(r, w) as session):
            await session.initialize()
            tools = await session.list_tools()
            return tools, [await session.call_tool(name, args) for name, args in calls]

    return asyncio.run(run())


def test_exactly_the_four_tools_and_a_cited_answer(url: str, tiny: Any) -> None:
    tools, (ask, bad, editions) = call(url, [
        ("ask", {"question": "How long can an assessment take from referral?"}),
        ("ask", {"question": "How long?", "as_of": "not a date"}),
        ("list_editions", {})], LOGIN)
    assert sorted(t.name for t in tools.tools) == sorted(TOOL_NAMES)  # not the page's chat/compare
    assert all("question" in t.inputSchema["required"] for t in tools.tools if t.name == "ask")
    assert all("source" in t.inputSchema["properties"] for t in tools.tools
               if t.name in ("ask", "search_guidance"))
    data = json.loads(ask.content[0].text)
    assert not ask.isError and data["citations"][0]["verified"]
    assert "45 working days" in data["citations"][0]["quote"]
    assert bad.isError and bad.content[0].text.startswith("as_of 'not a date' is not a date")
    assert any(e["label"] == "Working Together 2023" for e in json.loads(editions.content[0].text))


def test_mcp_needs_the_login(url: str) -> None:
    r = httpx.post(url + "gradio_api/mcp/", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                   headers={"accept": "application/json, text/event-stream"})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    bad = {"Authorization": "Basic " + base64.b64encode(b"ann:wrong").decode()}
    assert httpx.get(url + "api/v1/editions", headers=bad).status_code == 401
    assert httpx.get(url + "api/v1/editions", headers=LOGIN).status_code == 200


def test_the_pages_own_api_still_answers(url: str) -> None:
    from gradio_client import Client

    out = Client(url, verbose=False, auth=("ann", "pw-for-tests")).predict(
        "How long can an assessment take?", "current", "", api_name="/ask")
    assert "45 working days" in out["answer"]
