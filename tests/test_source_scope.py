"""`source` ("all", "national", "local") through GuidanceTools and the MCP tool functions, on the
tiny fake-model corpus with a local procedure added (the HTTP API, LangChain, batch and web chat
tests cover their own layers)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.api.mcp_tools import make_tools
from assistant.api.tools import GuidanceTools, InputError, parse_source
from assistant.errors import SafeguideError

QUESTION = "How quickly is a strategy discussion held in Northshire?"


@pytest.fixture(scope="module")
def mcp(tiny_local: Any) -> dict[str, Any]:
    return {f.__name__: f for f in make_tools(GuidanceTools(tiny_local), lambda err: err)}


@pytest.mark.parametrize(("given", "expect"), [(None, "all"), ("", "all"), (" Local ", "local"),
                                               ("national", "national"), ("all", "all")])
def test_parse_source(given: str | None, expect: str) -> None:
    assert parse_source(given) == expect


@pytest.mark.parametrize("bad", ["regional", 3, ["local"]])
def test_parse_source_refuses_in_one_line(bad: Any) -> None:
    with pytest.raises(InputError, match="source .* use one of all, national, local|source must be"):
        parse_source(bad)


def test_mcp_ask_source(mcp: dict[str, Any]) -> None:
    local = json.loads(mcp["ask"](QUESTION, source="local"))
    assert local["citations"] and all(c["doc_id"].startswith("local-") for c in local["citations"])
    national = json.loads(mcp["ask"](QUESTION, source="national"))
    assert not any(c["doc_id"].startswith("local-") for c in national["citations"])
    assert "Your local documents:" in json.loads(mcp["ask"](QUESTION))["answer"]


def test_mcp_search_source(mcp: dict[str, Any]) -> None:
    found = json.loads(mcp["search_guidance"]("strategy discussion timescales", k=3, source="local"))
    assert found and {p["source"] for p in found} == {"local"}
    found = json.loads(mcp["search_guidance"]("strategy discussion timescales", k=3,
                                              source="national"))
    assert found and {p["source"] for p in found} == {"national"}


def test_mcp_bad_source_is_the_tools_one_line_error(mcp: dict[str, Any]) -> None:
    with pytest.raises(SafeguideError, match="^source 'county' is not known"):
        mcp["ask"](QUESTION, source="county")
