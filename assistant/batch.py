"""`safeguide ask --batch`: one JSON object per input line in, one JSON object per line out.

Each line is `{"id", "question", "edition"?, "as_of"?, "source"?}`; "source" is "all", "national"
or "local" (default: the `--source` of the command, else "all"). A line that cannot be asked (not
UTF-8, not JSON, nested too deeply, a field of the wrong type, an unknown source, a null or empty
question) becomes `{"id", "line", "error"}` and the batch goes on with the next line.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from assistant.editions import SOURCES
from assistant.errors import QuestionError, SafeguideError

Ident = str | int | float | None


class BatchLineError(QuestionError):
    """One batch line cannot be asked; `ident` is its "id" when that much could be read."""

    def __init__(self, message: str, ident: Ident = None) -> None:
        super().__init__(message)
        self.ident = ident


@dataclass(frozen=True)
class BatchItem:
    ident: Ident
    question: str
    edition: str | None
    as_of: date | None
    source: str = "all"


def parse_line(raw: bytes, first: bool = False, source: str = "all") -> BatchItem | None:
    """One input line as a BatchItem (None for a blank line); BatchLineError says what is wrong.
    `source` is used when the line names none."""
    text = _decode(raw, first)
    if not text.strip():
        return None
    data = _load(text)
    if not isinstance(data, dict):
        raise BatchLineError('each line needs a JSON object such as {"id": "q1", "question": "…"}')
    ident = data.get("id")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, str | int | float)):
        raise BatchLineError(f'"id" must be a string or a number, not {_kind(ident)}')
    return BatchItem(ident, _question(data, ident), _edition(data, ident), _as_of(data, ident),
                     _source(data, ident, source))


def _decode(raw: bytes, first: bool) -> str:
    try:
        return raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as exc:
        raise BatchLineError(f"the line is not UTF-8 text (byte {exc.start}); save the file as "
                             "UTF-8") from exc


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise BatchLineError("the JSON is nested too deeply; give one flat object per line") from exc
    except ValueError as exc:
        raise BatchLineError(f"not valid JSON ({exc})") from exc


def _question(data: dict[str, Any], ident: Ident) -> str:
    question = data.get("question")
    if question is None:
        raise BatchLineError('"question" is missing or null: give the question as a string', ident)
    if not isinstance(question, str):
        raise BatchLineError(f'"question" must be a string, not {_kind(question)}', ident)
    return question  # an empty question is refused by the assistant, with its own message


def _edition(data: dict[str, Any], ident: Ident) -> str | None:
    edition = data.get("edition")
    if edition is not None and not isinstance(edition, str):
        raise BatchLineError(f'"edition" must be a string such as "2024" or "kcsie-2024", not '
                             f"{_kind(edition)}", ident)
    return edition or None


def _as_of(data: dict[str, Any], ident: Ident) -> date | None:
    as_of = data.get("as_of")
    if as_of is None or as_of == "":
        return None
    if not isinstance(as_of, str):
        raise BatchLineError(f'"as_of" must be a date string "YYYY-MM-DD", not {_kind(as_of)}', ident)
    try:
        return date.fromisoformat(as_of)
    except ValueError as exc:
        raise BatchLineError(f'"as_of" {as_of!r} is not a date: use "YYYY-MM-DD"', ident) from exc


def _source(data: dict[str, Any], ident: Ident, default: str) -> str:
    source = data.get("source")
    if source is None or source == "":
        return default
    if not isinstance(source, str):
        raise BatchLineError(f'"source" must be one of "all", "national" or "local", not '
                             f"{_kind(source)}", ident)
    if source.strip().lower() not in SOURCES:
        raise BatchLineError(f'"source" {source!r} is not known: use "all", "national" or "local"',
                             ident)
    return source.strip().lower()


def _kind(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def run_batch(assistant: Any, path: Path, out: IO[str] | None = None, source: str = "all") -> int:
    """Answer every line of `path`; each answer or error is written and flushed as it comes.
    `source` scopes the lines that name none."""
    if not path.is_file():
        raise SafeguideError(f"Batch file {path} not found.")
    out = out or sys.stdout
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            row = _answer_line(assistant, raw, lineno, source)
            if row is not None:
                print(row, file=out)
                out.flush()
    return 0


def _answer_line(assistant: Any, raw: bytes, lineno: int, source: str = "all") -> str | None:
    ident: Ident = None
    try:
        item = parse_line(raw, first=lineno == 1, source=source)
        if item is None:
            return None
        ident = item.ident
        t0 = time.perf_counter()
        answer = assistant.ask(item.question, edition=item.edition, as_of=item.as_of,
                               source=item.source)
        return batch_answer_json(ident, answer, time.perf_counter() - t0)
    except BatchLineError as exc:
        return json.dumps({"id": exc.ident, "line": lineno, "error": str(exc)}, ensure_ascii=False)
    except (SafeguideError, ValueError, TypeError) as exc:
        return json.dumps({"id": ident, "line": lineno, "error": str(exc)}, ensure_ascii=False)


def batch_answer_json(ident: Ident, answer: Any, seconds: float) -> str:
    """The `ask --json` object plus what `eval --answers` needs to score it exactly: each
    retrieved passage's last page (page_end) and the answer's latency in seconds."""
    data = {"id": ident, **answer.as_json(), "latency_s": round(seconds, 4)}
    for entry, passage in zip(data["retrieved"], answer.passages, strict=False):
        entry.setdefault("page_end", passage.chunk.page_end)
    return json.dumps(data, ensure_ascii=False)
