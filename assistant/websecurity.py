"""What makes the web chat safe to expose, as one ASGI middleware (no gradio import).

- **Login throttling**: after `max_failures` wrong passwords from one client address, further
  sign-ins from it get HTTP 429 (with Retry-After) for `lockout_s`, doubling with each failure
  after that (up to `max_lockout_s`). The right password during a lock-out is refused too.
- **No API schema before login**: when a login is required and the request carries no valid
  session, the page's embedded `window.gradio_api_info` is blanked (Gradio 6 embeds it even in the
  login page; its /info route already needs a login).
- **Bad API input is a 4xx**: JSON posted to the API routes of the endpoints in `specs` is
  checked (a list of values of the right types) and refused with HTTP 422 and one message,
  instead of reaching the function and coming back as HTTP 500 with a traceback in the log.

The Gradio app object is read from the ASGI scope (`scope["app"]`: its `auth`, `tokens` and
`cookie_id`), so this works with any Starlette/FastAPI app that Gradio builds.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOGIN_PATH = re.compile(r"/login/?$")
API_PATH = re.compile(r"/gradio_api/(?:run|api|call|call/v2)/([\w-]+)/?$")
API_INFO = re.compile(rb"<script>window\.gradio_api_info = .*?;</script>", re.S)
NO_API_INFO = b"<script>window.gradio_api_info = null;</script>"
MAX_BODY = 64_000  # bytes of JSON an API call may post


@dataclass
class _Client:
    failures: int = 0
    locked_until: float = 0.0


@dataclass
class LoginThrottle:
    """Failed sign-ins per client address (in memory; a restart forgets them)."""

    max_failures: int = 5
    lockout_s: float = 30.0
    max_lockout_s: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _clients: dict[str, _Client] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, client: str) -> float:
        """Seconds this client must wait before trying again (0: it may try now)."""
        with self._lock:
            c = self._clients.get(client)
            return max(0.0, c.locked_until - self.clock()) if c else 0.0

    def failed(self, client: str) -> None:
        with self._lock:
            c = self._clients.setdefault(client, _Client())
            c.failures += 1
            over = c.failures - self.max_failures
            if over >= 0:
                c.locked_until = self.clock() + min(self.lockout_s * 2 ** over, self.max_lockout_s)
            if len(self._clients) > 10_000:  # forget the oldest entries, never grow without bound
                for key in list(self._clients)[:1000]:
                    del self._clients[key]

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)


# An endpoint's inputs as posted to the API: (name, accepted JSON types, required).
NONE = type(None)  # JSON null
TYPE_NAMES: dict[type, str] = {str: "text", list: "a list", NONE: "null"}
Spec = list[tuple[str, tuple[type, ...], bool]]


def check_api_input(payload: Any, spec: Spec) -> str:
    """'' when `payload` is {"data": [...]} matching `spec`, else one line saying what is wrong."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        return 'Send a JSON object with a "data" list, e.g. {"data": ["What is early help?"]}.'
    data = payload["data"]
    need = sum(1 for _, _, required in spec if required)
    if not need <= len(data) <= len(spec):
        names = ", ".join(name for name, _, _ in spec)
        count = str(need) if need == len(spec) else f"{need} to {len(spec)}"
        return f"Expected {count} values ({names}); got {len(data)}."
    for value, (name, types, required) in zip(data, spec, strict=False):
        if value is None and not required:
            continue
        if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
            kinds = " or ".join(TYPE_NAMES.get(t, t.__name__) for t in types)
            return f"“{name}” must be {kinds}, not {type(value).__name__}."
    return ""


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _cookies(scope: Scope) -> dict[str, str]:
    raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header is no session
        return {}
    return {k: m.value for k, m in jar.items()}


def signed_in(scope: Scope) -> bool:
    """Whether the request carries a valid Gradio session (always true when login is off)."""
    app = scope.get("app")
    if app is None or not getattr(app, "auth", None):
        return True
    cookies, cid = _cookies(scope), getattr(app, "cookie_id", "")
    token = cookies.get(f"access-token-{cid}") or cookies.get(f"access-token-unsecure-{cid}")
    return bool(token) and token in getattr(app, "tokens", {})


async def _json_response(send: Send, status: int, body: dict[str, Any],
                         headers: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": data})


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


class Guard:
    """The ASGI middleware (see the module docstring). `specs`: API name → its inputs."""

    def __init__(self, app: ASGIApp, throttle: LoginThrottle | None = None,
                 specs: dict[str, Spec] | None = None) -> None:
        self.app = app
        self.throttle = throttle or LoginThrottle()
        self.specs = specs or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if method == "POST" and LOGIN_PATH.search(path):
            await self._login(scope, receive, send)
        elif method == "POST" and (m := API_PATH.search(path)) and m.group(1) in self.specs:
            await self._api(scope, receive, send, self.specs[m.group(1)])
        elif method == "GET" and not signed_in(scope):
            await self._page(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = _client(scope)
        wait = self.throttle.wait(client)
        if wait > 0:
            seconds = math.ceil(wait)
            await _json_response(send, 429, {"detail": f"Too many failed sign-ins. Try again in "
                                                       f"{seconds} seconds."},
                                 [(b"retry-after", str(seconds).encode())])
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] < 300:
            self.throttle.succeeded(client)
        elif status and 400 <= status[0] < 500:
            self.throttle.failed(client)

    async def _api(self, scope: Scope, receive: Receive, send: Send, spec: Spec) -> None:
        body = await _read_body(receive, MAX_BODY)
        if body is None:
            await _json_response(send, 413, {"error": f"The request is larger than {MAX_BODY} "
                                                      "bytes."})
            return
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            payload = None
            problem = "The request body is not valid JSON."
        else:
            problem = check_api_input(payload, spec)
        if problem:
            await _json_response(send, 422, {"error": problem})
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _page(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Blank the embedded API schema in HTML pages sent to a visitor who is not signed in."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            data = API_INFO.sub(NO_API_INFO, b"".join(chunks))
            fixed = [(k, str(len(data)).encode() if k == b"content-length" else v)
                       for k, v in start.get("headers", [])]
            await send({**start, "headers": fixed})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, rewrite)
