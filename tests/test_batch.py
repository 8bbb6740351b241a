"""`ask --batch` edges: every bad line becomes an error object and the batch goes on."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from assistant import cli
from assistant.batch import run_batch

GOOD = {"id": "first", "question": "How long can an assessment take?"}
LAST = {"id": "last", "question": "Who must the local authority notify of a serious incident?"}


def _rows(assistant: Any, path: Path) -> list[dict[str, Any]]:
    out = io.StringIO()
    assert run_batch(assistant, path, out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _batch(tmp_path: Path, *lines: bytes) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _line(obj: object) -> bytes:
    return json.dumps(obj).encode()


CASES: dict[str, tuple[bytes, str]] = {
    "edition-number": (_line({"id": "e", "question": "How long?", "edition": 2023}),
                       '"edition" must be a string such as "2024" or "kcsie-2024", not a number'),
    "edition-list": (_line({"id": "e", "question": "How long?", "edition": ["2023"]}),
                     '"edition" must be a string such as "2024" or "kcsie-2024", not a list'),
    "nested": (b"[" * 200_000 + b"]" * 200_000, "the JSON is nested too deeply"),
    "nested-question": (b'{"id": "n", "question": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
                        "the JSON is nested too deeply"),
    "latin-1": ('{"id": "l", "question": "Qu\'est-ce que le caf\xe9?"}'.encode("latin-1"),
                "the line is not UTF-8 text (byte 45); save the file as UTF-8"),
    "null": (_line({"id": "q", "question": None}), '"question" is missing or null'),
    "missing": (_line({"id": "q"}), '"question" is missing or null'),
    "number": (_line({"id": "q", "question": 42}), '"question" must be a string, not a number'),
    "object": (_line({"id": "q", "question": {"text": "hi"}}), '"question" must be a string, not an object'),
    "empty": (_line({"id": "q", "question": "   "}), "The question is empty"),
    "not-object": (_line(["How long?"]), "each line needs a JSON object"),
    "bad-json": (b"{not json", "not valid JSON"),
    "id-object": (_line({"id": {"a": 1}, "question": "How long?"}), '"id" must be a string or a number'),
    "as-of-number": (_line({"id": "d", "question": "How long?", "as_of": 2019}),
                     '"as_of" must be a date string "YYYY-MM-DD", not a number'),
    "as-of-text": (_line({"id": "d", "question": "How long?", "as_of": "May 2019"}),
                   "is not a date"),
    "source-number": (_line({"id": "s", "question": "How long?", "source": 1}),
                      '"source" must be one of "all", "national" or "local", not a number'),
    "source-unknown": (_line({"id": "s", "question": "How long?", "source": "regional"}),
                       "\"source\" 'regional' is not known: use \"all\", \"national\" or \"local\""),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_line_becomes_an_error_object_and_the_batch_goes_on(tiny: Any, tmp_path: Path,
                                                                 case: str) -> None:
    bad, expect = CASES[case]
    rows = _rows(tiny, _batch(tmp_path, _line(GOOD), bad, _line(LAST)))
    assert [r.get("id") for r in rows][::2] == ["first", "last"] and len(rows) == 3
    error = rows[1]
    assert set(error) == {"id", "line", "error"} and error["line"] == 2
    assert expect in error["error"], error["error"]
    assert "45 working days" in rows[0]["answer"] and "Ofsted" in rows[2]["answer"]


def test_question_null_is_never_answered_as_the_text_none(tiny: Any, tmp_path: Path) -> None:
    rows = _rows(tiny, _batch(tmp_path, _line({"id": "n", "question": None})))
    assert rows == [{"id": "n", "line": 1, "error": '"question" is missing or null: give the '
                                                    'question as a string'}]


def test_non_utf8_file_gives_one_error_per_bad_line(tiny: Any, tmp_path: Path) -> None:
    """A file saved in Latin-1: its plain-ASCII lines are still answered, the others named."""
    path = tmp_path / "latin.jsonl"
    text = "\n".join([json.dumps(GOOD), '{"id": "x", "question": "caf\xe9?"}', "",
                      json.dumps(LAST, ensure_ascii=False), '{"id": "y", "question": "na\xefve?"}'])
    path.write_bytes(text.encode("latin-1"))
    rows = _rows(tiny, path)
    assert [(r["id"], r.get("line")) for r in rows] == [("first", None), (None, 2), ("last", None),
                                                        (None, 5)]
    assert all("not UTF-8" in rows[i]["error"] for i in (1, 3))


def test_byte_order_mark_and_blank_lines(tiny: Any, tmp_path: Path) -> None:
    path = _batch(tmp_path, b"\xef\xbb\xbf" + _line(GOOD), b"", b"   ", _line(LAST))
    assert [r["id"] for r in _rows(tiny, path)] == ["first", "last"]


def test_cli_batch_prints_jsonl(tiny: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _batch(tmp_path, _line(GOOD), _line({"id": 7, "question": "How long?", "edition": 2023}))
    assert cli._ask_batch(tiny, path) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["id"] == "first" and "latency_s" in rows[0]
    assert rows[1]["id"] == 7 and "edition" in rows[1]["error"]


def test_source_scopes_each_line(tiny: Any, tmp_path: Path) -> None:
    """"source" reaches the search: no local documents are held, so a local-only line says so
    while the same question over national guidance is answered."""
    path = _batch(tmp_path, _line({**GOOD, "source": "national"}),
                  _line({**GOOD, "id": "loc", "source": "local"}), _line({**GOOD, "id": "dflt"}))
    rows = _rows(tiny, path)
    assert "45 working days" in rows[0]["answer"] and not rows[0]["abstained"]
    assert rows[1]["abstained"] and "No local documents are held" in rows[1]["answer"]
    assert "45 working days" in rows[2]["answer"]


def test_cli_source_is_the_default_for_lines_that_name_none(tiny: Any, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = _batch(tmp_path, _line(GOOD), _line({**LAST, "source": "national"}))
    assert cli._ask_batch(tiny, path, "local") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["abstained"] and "No local documents are held" in rows[0]["answer"]
    assert not rows[1]["abstained"] and "Ofsted" in rows[1]["answer"]
