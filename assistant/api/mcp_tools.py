"""The MCP tools: `ask`, `search_guidance`, `compare_editions`, `list_editions`.

The same four functions are served two ways:
- over HTTP by the web app (Gradio's MCP server, `/gradio_api/mcp/`), registered by `register`;
- over stdio by `safeguide mcp` (the `mcp` SDK's FastMCP), for desktop clients, by `stdio_server`.
Their docstrings are what a calling model reads: when to use each tool, and that every quote
must be shown with its citation.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from assistant.api.tools import GuidanceTools
from assistant.errors import SafeguideError

log = logging.getLogger(__name__)
TOOL_NAMES = ("ask", "search_guidance", "compare_editions", "list_editions")
SERVER_NAME = "safeguide"
INSTRUCTIONS = (
    "safeguide answers questions about UK (England) child-safeguarding statutory guidance: "
    "Working Together to Safeguard Children, Keeping Children Safe in Education (KCSIE) and the "
    "Information sharing advice, every claim quoted word for word with document, edition, page and "
    "paragraph. It may also hold local documents (safeguarding partners' procedures, a school's "
    "policy), cited as local; `source` scopes a search to national guidance or to them. Show quotes "
    "exactly as returned, each with its citation; never paraphrase a quote as if it were the "
    "guidance's own words. If an answer is abstained, say the guidance held does not answer it; do "
    "not answer from memory.")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_tools(tools: GuidanceTools, on_error: Callable[[SafeguideError], Exception]
               ) -> list[Callable[..., str]]:
    """The four tool functions, each returning its result as one JSON text (both MCP servers send
    it as a single text content); a SafeguideError is re-raised as `on_error(err)` (one line)."""

    def ask(question: str, edition: str = "", as_of: str = "", source: str = "all") -> str:
        """Answer a question about UK child-safeguarding guidance with verbatim, cited quotes.

        Use this first for any question about what the guidance says (duties, timescales, roles,
        definitions, procedures). The result's "answer" holds the full text with numbered quotes;
        "citations" holds one object per quote (doc_id, title, edition, page, paragraph, quote,
        duty, verified). When you relay the answer, show each quote word for word together with its
        citation (document, edition, page, paragraph) and keep "notices" (edition used,
        superseded text). If "abstained" is true the guidance held does not answer the question:
        say so and do not answer from general knowledge.

        Args:
            question: The question in plain English, e.g. "How long can a social care assessment take?".
            edition: Optional edition, e.g. "2018", "KCSIE 2024" or "kcsie-2024"; empty: in force today.
            as_of: Optional date YYYY-MM-DD: answer from the edition in force on that day.
            source: "all" (default: national guidance, then any local documents held), "national"
                or "local" (only the local procedures and policies added to safeguide).
        """
        try:
            return _json(tools.ask(question, edition or None, as_of or None, source or None))
        except SafeguideError as err:
            raise on_error(err) from None

    def search_guidance(query: str, edition: str = "", k: int = 5, source: str = "all") -> str:
        """Find the passages of the guidance most relevant to a query, without composing an answer.

        Use this to read around a topic, gather context, or check the wording of a paragraph.
        Each passage has doc_id, title, edition, source (national or local), page, paragraph,
        section and its full text. Quote
        passage text only word for word, and always with its citation (title, edition, page,
        paragraph). For a direct question prefer `ask`, whose quotes are checked.

        Args:
            query: What to look for, e.g. "designated safeguarding lead training".
            edition: Optional edition, e.g. "2023" or "kcsie-2025"; empty: in force today.
            k: How many passages to return, 1 to 20 (default 5).
            source: "all" (default), "national" or "local" (only the local documents held).
        """
        try:
            return _json(tools.search(query, edition or None, int(k), source=source or None))
        except SafeguideError as err:
            raise on_error(err) from None

    def compare_editions(series: str, old: str, new: str, topic: str = "") -> str:
        """Compare two full editions of one guidance series paragraph by paragraph.

        Use this for "what changed between edition X and Y" questions. The result lists the
        substantive changes (word-level diffs in "text" and per change), each cited to the
        paragraph in both editions; wording-only changes are left out. Full texts are held for
        KCSIE 2024 and 2025 and Working Together 2023; earlier Working Together editions are
        held only as briefings and cannot be compared here (use `ask` instead). Show changed
        wording with the citations given.

        Args:
            series: "kcsie", "working-together" or "information-sharing".
            old: The older edition, e.g. "2024".
            new: The newer edition, e.g. "2025".
            topic: Optional topic to restrict the changes to, e.g. "filtering and monitoring".
        """
        try:
            return _json(tools.compare(series, old, new, topic or None))
        except SafeguideError as err:
            raise on_error(err) from None

    def list_editions() -> str:
        """List the editions of the guidance: dates in force, whether current, and documents held.

        Use this to find valid edition labels for the other tools, or to tell which edition
        applied on a date. An edition with no documents is known but not held, so it cannot be
        quoted.
        """
        return _json(tools.editions())

    return [ask, search_guidance, compare_editions, list_editions]


def register(demo: Any, tools: GuidanceTools) -> None:
    """Add the four tools to a Gradio app as API endpoints, and make them its only MCP tools.

    Gradio makes every public endpoint an MCP tool named after its function, so the page's own
    endpoints (chat, compare, the JSON `ask`) become "undocumented": still callable through
    gradio_client, but left out of the API page and the MCP tool list.
    """
    import gradio as gr

    for fn in demo.fns.values():
        if fn.api_visibility == "public":
            fn.api_visibility = "undocumented"
    with demo:  # queue=False: called in process (the error's own line reaches the client, not
        # gr.Error's repr); GuidanceTools limits concurrency as the page's queue does
        for tool in make_tools(tools, lambda err: err):
            gr.api(tool, api_name=f"tool_{tool.__name__}", queue=False)


def stdio_server(tools: GuidanceTools) -> Any:
    """A FastMCP server with the four tools, for `safeguide mcp` (stdio transport)."""
    from mcp.server.fastmcp import FastMCP
    from mcp.server.fastmcp.exceptions import ToolError

    server = FastMCP(SERVER_NAME, instructions=INSTRUCTIONS)
    for tool in make_tools(tools, lambda err: ToolError(str(err))):
        server.add_tool(tool, name=tool.__name__, description=tool.__doc__)
    return server
