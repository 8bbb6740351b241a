"""The JSON HTTP API (`/api/v1/...`), a FastAPI app the web chat is mounted onto.

POST /api/v1/ask, GET /api/v1/search, /editions, /compare, /documents; OpenAPI schema at
/api/v1/openapi.json (docs at /api/v1/docs). Bad input gets a 4xx whose body is one line:
`{"detail": "..."}`. With a login set (SAFEGUIDE_AUTH), `/api/` and the MCP endpoint require
HTTP Basic credentials of one of its users (`LoginRequired`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.tools import MAX_CHANGES, MAX_K, Busy, GuidanceTools
from assistant.errors import (
    EditionError,
    IndexBusy,
    IndexNotReady,
    IndexUnavailable,
    QuestionError,
    SafeguideError,
)

log = logging.getLogger(__name__)
PREFIX = "/api/v1"
PROTECTED = ("/api/", "/gradio_api/mcp")
Source = Literal["all", "national", "local"]
UNEXPECTED = "Something went wrong while answering; tell whoever runs this service."


class AskRequest(BaseModel):
    question: str = Field(description="The question, e.g. 'How long can a social care assessment take?'")
    edition: str | None = Field(default=None, description="Edition label or document id ('2018', "
                                "'kcsie-2024'); omitted or 'current': the edition in force today.")
    as_of: date | None = Field(default=None, description="Answer from the edition in force on this "
                               "date (YYYY-MM-DD).")
    source: Source = Field(default="all", description="Which documents to search: 'all' (national "
                           "guidance, then local documents added with `safeguide add`), 'national' "
                           "or 'local'.")


def _status(err: SafeguideError) -> int:
    if isinstance(err, QuestionError | EditionError | ValueError):
        return 400
    if isinstance(err, Busy | IndexBusy | IndexNotReady | IndexUnavailable):
        return 503
    return 500


def _one_line(exc: RequestValidationError) -> str:
    first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    if first.get("type") == "json_invalid":
        return "The request body is not valid JSON: send an object such as {\"question\": \"...\"}."
    if first.get("type") == "missing":
        return f"{where or 'the body'} is required."
    return f"{where}: {first.get('msg', 'invalid value')}." if where else str(first.get("msg"))


def create_api(tools: GuidanceTools) -> FastAPI:
    """The API app. Mount the web chat onto it with `gr.mount_gradio_app(app, demo, "/")`."""
    app = FastAPI(title="safeguide", version="1",
                  description="Cited answers over UK child-safeguarding statutory guidance. "
                              "Show every quote word for word with its citation.",
                  openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs", redoc_url=None)

    @app.exception_handler(SafeguideError)
    async def safeguide_error(_request: Request, err: SafeguideError) -> JSONResponse:
        code = _status(err)
        if code == 500:
            log.error("API request failed: %s", err)
        return JSONResponse({"detail": str(err)}, status_code=code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _one_line(exc)}, status_code=422)

    @app.post(f"{PREFIX}/ask", summary="Answer a question with verified, cited quotes")
    def ask(body: AskRequest) -> dict[str, Any]:
        """The same object as `safeguide ask --json`, with "question" added."""
        return tools.ask(body.question, body.edition, body.as_of, body.source)

    @app.get(f"{PREFIX}/search", summary="The passages most relevant to a query")
    def search(q: str = Query(description="What to look for"), edition: str | None = None,
               k: int = Query(5, ge=1, le=MAX_K), as_of: date | None = None,
               source: Annotated[Source, Query(description="'all', 'national' or 'local'")] = "all",
               ) -> list[dict[str, Any]]:
        return tools.search(q, edition, k, as_of, source)

    @app.get(f"{PREFIX}/editions", summary="Editions, their dates in force and documents held")
    def editions() -> list[dict[str, Any]]:
        return tools.editions()

    @app.get(f"{PREFIX}/compare", summary="Changes between two full editions, cited to both")
    def compare(series: str = Query(description="kcsie, working-together or information-sharing"),
                old: str = Query(description="older edition, e.g. 2024"),
                new: str = Query(description="newer edition, e.g. 2025"),
                topic: str | None = None,
                limit: int = Query(20, ge=1, le=MAX_CHANGES)) -> dict[str, Any]:
        return tools.compare(series, old, new, topic, limit)

    @app.get(f"{PREFIX}/documents", summary="The documents held, national and local, with their "
             "index state (indexed, missing, stale or failed)")
    def documents() -> list[dict[str, Any]]:
        return tools.documents()

    return app


class LoginRequired:
    """ASGI middleware: requests under `prefixes` need HTTP Basic credentials from `users`.

    The web page keeps Gradio's own login form; programs (HTTP API, MCP clients) send
    `Authorization: Basic base64(user:password)`. With no users, everything passes.
    """

    def __init__(self, app: ASGIApp, users: Sequence[tuple[str, str]] | None,
                 prefixes: Sequence[str] = PROTECTED) -> None:
        self.app = app
        self.users = list(users or [])
        self.prefixes = tuple(prefixes)

    def allowed(self, header: bytes | None) -> bool:
        if not header or not header.lower().startswith(b"basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        ok = False
        for u, p in self.users:  # check every pair: no early exit on a match
            ok |= hmac.compare_digest(u.encode(), user.encode()) & hmac.compare_digest(
                p.encode(), password.encode())
        return ok

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or not self.users
                or not str(scope.get("path", "")).startswith(self.prefixes)):
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"authorization")
        if self.allowed(header):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"detail": "Sign in: send HTTP Basic credentials of a SAFEGUIDE_AUTH user."})
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"application/json"),
                                (b"www-authenticate", b'Basic realm="safeguide"')]})
        await send({"type": "http.response.body", "body": body.encode()})
