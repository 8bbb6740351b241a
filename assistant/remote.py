"""`safeguide ask` through a running `safeguide serve` (assistant/discovery.py finds it).

The server answers `POST /api/v1/ask` with the object `ask --json` prints, plus "question". This
module uses the standard library only, so a question asked this way loads no model and no index.
When the server cannot be used (not running, unreachable, busy, an error of its own) the caller
answers in-process; a question the server refuses for a reason of the question's own (empty, too
long, an unknown edition) is refused here the same way, as `ServerRefused`.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from assistant.discovery import ServerRecord, find_server
from assistant.errors import ServerRefused
from assistant.settings import Settings

log = logging.getLogger(__name__)
ASK_PATH = "/api/v1/ask"
CONNECT_TIMEOUT_S = 2.0
ANSWER_TIMEOUT_S = 300.0  # the server waits up to 120 s for an answer slot, then answers


def passes_through(edition: str | None) -> bool:
    """The API reads a blank edition or "current" as none and trims spaces; the command line
    passes an edition on as typed. Only an edition both read alike may go to the server."""
    return edition is None or (edition == edition.strip() and edition.lower() not in ("", "current"))


def _headers(settings: Settings, record: ServerRecord) -> dict[str, str]:
    headers = {"content-type": "application/json", "accept": "application/json"}
    first = (settings.auth or "").split(",")[0].strip()
    if record.login and ":" in first:
        headers["authorization"] = "Basic " + base64.b64encode(first.encode()).decode()
    return headers


def post_question(record: ServerRecord, headers: dict[str, str],
                  body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """The server's status and JSON reply, or None when it could not be reached or read."""
    url = urlsplit(record.url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=CONNECT_TIMEOUT_S)
    try:
        conn.connect()
        if conn.sock is not None:
            conn.sock.settimeout(ANSWER_TIMEOUT_S)
        conn.request("POST", ASK_PATH, json.dumps(body), headers)
        resp = conn.getresponse()
        reply = json.loads(resp.read().decode("utf-8"))
    except (OSError, http.client.HTTPException, ValueError) as exc:
        log.info("the server at %s did not answer (%s): answering here", record.url, exc)
        return None
    finally:
        conn.close()
    return resp.status, reply if isinstance(reply, dict) else {}


def ask_server(settings: Settings, question: str, edition: str | None = None,
               as_of: date | None = None, source: str = "all") -> dict[str, Any] | None:
    """The answer as `safeguide ask --json` prints it, from a running server for this home and
    these settings; None when there is none or it cannot answer (then answer in-process)."""
    if not passes_through(edition):
        return None
    record = find_server(settings)
    if record is None:
        return None
    body = {"question": question, "edition": edition,
            "as_of": as_of.isoformat() if as_of else None, "source": source}
    result = post_question(record, _headers(settings, record), body)
    if result is None:
        return None
    status, reply = result
    if status == 200 and "answer" in reply:
        reply.pop("question", None)
        log.info("answered by the server at %s", record.url)
        return reply
    if status == 400 and isinstance(reply.get("detail"), str):
        raise ServerRefused(reply["detail"])
    log.info("the server at %s replied %d (%s): answering here", record.url, status, reply.get("detail"))
    return None
