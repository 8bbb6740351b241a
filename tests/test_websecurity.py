"""The web chat's exposure guard (assistant/websecurity.py) and control rules, without gradio:
a tiny ASGI app stands in for Gradio's (same login route, cookie names and page embedding)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from assistant.websecurity import Guard, LoginThrottle, check_api_input

SPEC = [("question", (str,), True), ("edition", (str,), False), ("as_at", (str,), False)]
PAGE = (b'<html><script>window.gradio_config = {};</script><script>window.gradio_api_info = '
        b'{"named_endpoints": {"/ask": {}}};</script></html>')


class FakeGradio:
    """Gradio's shape as the guard sees it: auth, tokens, cookie_id, /login, HTML pages, API."""

    def __init__(self) -> None:
        self.auth = [("ann", "right")]
        self.tokens = {"tok": "ann"}
        self.cookie_id = "cid"
        self.calls: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        scope["app"] = self  # Starlette sets this before its middleware runs; the guard reads it
        body = b""
        while True:
            m = await receive()
            body += m.get("body", b"")
            if not m.get("more_body"):
                break
        if scope["path"] == "/login":
            ok = body == b"username=ann&password=right"
            status, out, kind = (200 if ok else 400), b"{}", b"application/json"
        elif scope["path"] == "/":
            status, out, kind = 200, PAGE, b"text/html; charset=utf-8"
        else:
            self.calls.append(body)
            status, out, kind = 200, b'{"data": ["ok"]}', b"application/json"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(out)).encode())]})
        await send({"type": "http.response.body", "body": out})


def call(app: Any, method: str, path: str, body: bytes = b"", client: str = "10.0.0.1",
         cookie: str = "") -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []
    headers = [(b"cookie", cookie.encode())] if cookie else []
    scope = {"type": "http", "method": method, "path": path, "headers": headers,
             "client": (client, 5555)}
    chunks = [body[:5], body[5:]]

    async def receive() -> dict[str, Any]:
        part = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": part, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        inner = FakeGradio() if not isinstance(app, Guard) else app.app
        scope["app"] = inner
        await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), data


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failed_logins_are_throttled_per_client_even_for_the_right_password() -> None:
    clock = Clock()
    guard = Guard(FakeGradio(), LoginThrottle(max_failures=5, lockout_s=30, clock=clock))
    for _ in range(5):
        assert call(guard, "POST", "/login", b"username=ann&password=wrong")[0] == 400
    status, headers, body = call(guard, "POST", "/login", b"username=ann&password=right")
    assert status == 429 and headers[b"retry-after"] == b"30"
    assert "Too many failed sign-ins" in json.loads(body)["detail"]
    # another client is not affected
    assert call(guard, "POST", "/login", b"username=ann&password=right", client="10.0.0.2")[0] == 200
    clock.now += 31  # after the lock-out the right password works, and resets the count
    assert call(guard, "POST", "/login", b"username=ann&password=right")[0] == 200
    assert guard.throttle.wait("10.0.0.1") == 0


def test_lockout_doubles_with_each_further_failure_up_to_a_cap() -> None:
    clock = Clock()
    t = LoginThrottle(max_failures=2, lockout_s=10, max_lockout_s=35, clock=clock)
    t.failed("a")
    assert t.wait("a") == 0
    t.failed("a")
    assert t.wait("a") == 10
    t.failed("a")
    assert t.wait("a") == 20
    t.failed("a")
    assert t.wait("a") == 35


def test_no_api_schema_in_the_page_before_login_but_kept_after() -> None:
    guard = Guard(FakeGradio())
    status, headers, body = call(guard, "GET", "/")
    assert status == 200 and b"named_endpoints" not in body
    assert b"window.gradio_api_info = null;" in body
    assert headers[b"content-length"] == str(len(body)).encode()
    _, _, signed = call(guard, "GET", "/", cookie="access-token-unsecure-cid=tok")
    assert b"named_endpoints" in signed
    _, _, forged = call(guard, "GET", "/", cookie="access-token-cid=forged")
    assert b"named_endpoints" not in forged


@pytest.mark.parametrize(("payload", "message"), [
    (b'{"data": [42]}', "“question” must be text, not int"),
    (b'{"data": ["q", ["x"]]}', "“edition” must be text, not list"),
    (b'{"data": []}', "Expected 1 to 3 values"),
    (b'{"data": ["q", "", "", "", ""]}', "Expected 1 to 3 values"),
    (b'{"question": "q"}', 'Send a JSON object with a "data" list'),
    (b'[1, 2', "not valid JSON"),
    (b'{"data": [true]}', "must be text, not bool"),
])
def test_bad_api_input_is_a_422_with_one_message(payload: bytes, message: str) -> None:
    inner = FakeGradio()
    guard = Guard(inner, specs={"ask": SPEC})
    status, _, body = call(guard, "POST", "/gradio_api/run/ask", payload)
    assert status == 422 and message in json.loads(body)["error"]
    assert inner.calls == []  # never reached the app


def test_good_api_input_reaches_the_app_unchanged() -> None:
    inner = FakeGradio()
    guard = Guard(inner, specs={"ask": SPEC})
    payload = b'{"data": ["What is early help?", "current", null]}'
    assert call(guard, "POST", "/gradio_api/call/ask", payload)[0] == 200
    assert inner.calls == [payload]  # the buffered body is replayed whole
    assert check_api_input({"data": ["q"]}, SPEC) == ""
