"""The MCP server: the real app over HTTP (Gradio's MCP, with the login on) and `safeguide mcp`
over stdio, each driven by the official `mcp` Python client on the real corpus."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.api.mcp_tools import TOOL_NAMES
from assistant.cite import quote_in_pages
from tests.conftest import free_port

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
pytestmark = [pytest.mark.slow, pytest.mark.integration]

QUESTION = "How long can a social care assessment take from the point of referral?"
USER, PASSWORD = "ann", "a-long-test-password"
LOGIN = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}


@pytest.fixture(scope="module")
def server_url(web_assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import app

    home = tmp_path_factory.mktemp("mcp-home")
    demo = app.build_app(web_assistant, web_assistant.settings.model_copy(update={"home": home}))
    url = app.launch(demo, "127.0.0.1", free_port(), [(USER, PASSWORD)], block=False,
                     assistant=web_assistant)
    yield url
    demo.close()


def payload(result: Any) -> Any:
    """The JSON a tool returned (Gradio and FastMCP both send it as text content)."""
    assert not result.isError, result.content
    texts = [c.text for c in result.content if getattr(c, "type", "") == "text"]
    assert texts, result.content
    return json.loads(texts[0]) if len(texts) == 1 else [json.loads(t) for t in texts]


def check_answer(data: dict[str, Any], assistant: Any) -> None:
    assert not data["abstained"]
    assert "45 working days" in data["answer"]
    assert data["citations"] and {"doc_id", "edition", "page", "paragraph", "quote"} <= set(
        data["citations"][0])
    for c in data["citations"]:
        assert c["verified"]
        assert quote_in_pages(c["quote"], assistant.retriever.pages(c["doc_id"]), c["page"],
                              c["page_end"]), c


async def _session_run(session: Any, assistant: Any) -> dict[str, Any]:
    await session.initialize()
    listed = await session.list_tools()
    names = sorted(t.name for t in listed.tools)
    descriptions = {t.name: t.description for t in listed.tools}
    data = payload(await session.call_tool("ask", {"question": QUESTION}))
    check_answer(data, assistant)
    editions = payload(await session.call_tool("list_editions", {}))
    found = payload(await session.call_tool("search_guidance",
                                            {"query": "designated safeguarding lead", "k": 3}))
    bad = await session.call_tool("ask", {"question": "   "})
    return {"names": names, "descriptions": descriptions, "editions": editions, "found": found,
            "bad": bad}


def test_mcp_over_http_lists_four_tools_and_answers_with_verified_quotes(
        server_url: str, web_assistant: Any) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run() -> dict[str, Any]:
        http = httpx.AsyncClient(headers=LOGIN, timeout=httpx.Timeout(120, read=300))
        async with (http, streamable_http_client(server_url + "gradio_api/mcp/",
                                                 http_client=http) as (read, write, _),
                    ClientSession(read, write) as session):
            return await _session_run(session, web_assistant)

    out = asyncio.run(run())
    assert out["names"] == sorted(TOOL_NAMES)
    assert "citation" in out["descriptions"]["ask"]
    assert any(e["current"] and e["series"] == "kcsie" for e in out["editions"])
    found = out["found"] if isinstance(out["found"], list) else [out["found"]]
    assert found and all(p["doc_id"] and p["text"] for p in found)
    assert out["bad"].isError and "empty" in out["bad"].content[0].text


def test_mcp_and_api_refuse_access_without_login(server_url: str) -> None:
    for path in ("gradio_api/mcp/", "api/v1/editions"):
        r = httpx.post(server_url + path, json={}) if "mcp" in path else httpx.get(server_url + path)
        assert r.status_code == 401, (path, r.status_code)
        assert "Sign in" in r.json()["detail"]
    ok = httpx.get(server_url + "api/v1/editions", headers=LOGIN)
    assert ok.status_code == 200 and ok.json()
    r = httpx.post(server_url + "api/v1/ask", json={"question": QUESTION}, headers=LOGIN, timeout=120)
    assert r.status_code == 200 and r.json()["citations"][0]["verified"]


def test_web_page_still_served_with_its_own_login(server_url: str) -> None:
    assert httpx.get(server_url + "config").status_code == 401  # Gradio's own login, not ours
    assert httpx.get(server_url).status_code == 200  # the login form


def test_safeguide_mcp_over_stdio(real_index: Any, real_assistant: Any) -> None:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    exe = Path(sys.executable).with_name("safeguide")
    env = {**os.environ, "SAFEGUIDE_HOME": str(real_index.home),
           "SAFEGUIDE_CORPUS": str(real_index.corpus), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    params = StdioServerParameters(command=str(exe), args=["mcp"], env=env)

    async def run() -> dict[str, Any]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            return await _session_run(session, real_assistant)

    out = asyncio.run(run())
    assert out["names"] == sorted(TOOL_NAMES)
    assert "citation" in out["descriptions"]["ask"]
    assert any(e["current"] for e in out["editions"])
    assert out["bad"].isError and "empty" in out["bad"].content[0].text
