"""Serve the web chat with the JSON API and the MCP server beside it, in one process.

`build(demo, assistant, auth, **ui)` returns the FastAPI app: the `/api/v1` routes, the login
check for programs, and the Gradio page mounted at `/` with its MCP server on
(`/gradio_api/mcp/`, the four tools of `assistant.api.mcp_tools`). `start` runs it with uvicorn.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI

from assistant.api import mcp_tools
from assistant.api.http import LoginRequired, create_api
from assistant.api.tools import GuidanceTools
from assistant.service import Assistant

log = logging.getLogger(__name__)
MCP_PATH = "/gradio_api/mcp/"


def build(demo: Any, assistant: Assistant, auth: list[tuple[str, str]] | None,
          **ui: Any) -> FastAPI:
    """`ui`: the page options `gr.mount_gradio_app` takes (css, ssr_mode, footer_links...)."""
    import gradio as gr

    tools = GuidanceTools(assistant)
    mcp_tools.register(demo, tools)
    app = create_api(tools)
    app.add_middleware(LoginRequired, users=auth)
    return gr.mount_gradio_app(app, demo, path="/", auth=auth, mcp_server=True, **ui)


def start(app: FastAPI, demo: Any, host: str, port: int, block: bool) -> None:
    """Run `app` with uvicorn; with block=False in a thread, stopped by `demo.close()`."""
    import uvicorn
    from gradio.http_server import Server

    server = Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    demo.server = server  # demo.close() stops this server, as after demo.launch()
    demo.server_port, demo.is_running = port, True
    if block:
        server.run()
    else:
        server.run_in_thread()
