"""Read a corpus file page by page and clean each page (headers, footers, footnotes)."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import IngestError
from ingest.records import Page

if TYPE_CHECKING:  # pypdf loads when a PDF is read: a question needs only this module's text helpers
    from pypdf import PdfReader

log = logging.getLogger(__name__)

# A footnote reference glued to a word: "care78 79." or "duties.5" -> removed.
_FOOTNOTE_REF = re.compile(r"(?:(?<=[a-z])|(?<=[a-z][.,;:’”)]))\d{1,3}(?:[ ,]\d{1,3})*(?=[\s.,;:)]|$)")
# "duties. 5" at a line end or before a new sentence (the text export puts a space before refs).
_SPACED_REF = re.compile(r"(?:(?<=[a-z][.,;:)’”])|(?<=[a-z][)’”][.,;:]))[ ]\d{1,3}(?=[ ]*(?:\n|$)|[ ]+[A-Z])")
_FOOTNOTE_LINE = re.compile(r"^\s*\d{1,3}\s+\S")
_FOOTNOTE_START = re.compile(r"^(\d{1,3})(?:\s+[A-Z“‘\"'(]|$)")
_PARA = re.compile(r"^\d{1,3}\.\s")
_BARE_NUMBER = re.compile(r"\d{1,3}")  # a line holding only a number: a footnote's, set apart
_TOC_LINE = re.compile(r"\S.*\s\d{1,3}\s*$")


def strip_footnote_refs(text: str) -> str:
    return _SPACED_REF.sub("", _FOOTNOTE_REF.sub("", text))


def read_pages(path: Path, doc_id: str, max_mb: float = 60.0) -> list[Page]:
    """Cleaned pages of a PDF, or of a text file (pages split on form feeds)."""
    if not path.is_file():
        raise IngestError(f"{path.name}: file not found.")
    size_mb = path.stat().st_size / 1e6
    if size_mb == 0:
        raise IngestError(f"{path.name}: the file is empty; replace it with the full document.")
    if size_mb > max_mb:
        raise IngestError(
            f"{path.name}: {size_mb:.0f} MB is over the {max_mb:.0f} MB limit "
            "(SAFEGUIDE_MAX_FILE_MB); check it is the right file or raise the limit."
        )
    is_pdf = path.suffix.lower() == ".pdf"
    raw = _pdf_pages(path) if is_pdf else _text_pages(path)
    pages = [Page(doc_id, num, *clean_page(text, num)) for num, text in raw]
    if is_pdf:  # text sources have no second extraction (Page.layout stays None)
        layout = layout_pages(path)
        if len(layout) != len(pages):
            raise IngestError(f"{path.name}: pypdf reads {len(pages)} pages but pdfium reads "
                              f"{len(layout)}; the file may be damaged: download it again.")
        pages = [replace(p, layout=text) for p, text in zip(pages, layout, strict=True)]
    if not any(p.text.strip() for p in pages):
        raise IngestError(
            f"{path.name}: no text could be extracted (a scanned PDF without a text layer?); "
            "run OCR on it first (e.g. ocrmypdf) and ingest the result."
        )
    return pages


def _pdf_pages(path: Path) -> list[tuple[int | None, str]]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(path)
        _unlock(reader, path)
        return [(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
    except FileNotDecryptedError as exc:
        raise _locked(path) from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise IngestError(
            f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc}); "
            "the file may be corrupt or truncated: download it again."
        ) from exc


def _unlock(reader: PdfReader, path: Path) -> None:
    """Checked before any page is read: an encrypted PDF opens only with the empty user password
    (a file that merely restricts printing or copying); any other is password-protected, whatever
    its cipher (RC4 or AES) and whether or not pypdf's AES support is installed."""
    from pypdf.errors import DependencyError

    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except DependencyError as exc:  # AES without the `cryptography` package
        raise _locked(path) from exc
    if not opened:
        raise _locked(path)


def _locked(path: Path) -> IngestError:
    return IngestError(
        f"{path.name}: the PDF is password-protected; save an unencrypted copy and retry."
    )


# Between two layout blocks of Page.layout. No quote contains it, so none can run across it.
LAYOUT_BREAK = "\u2016"


PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe: one call into it at a time per process


def layout_pages(path: Path) -> list[str]:
    """A second, independent extraction of each page: pdfium's text page in its own reading
    order, with the printed page number dropped, line ends as "\n", pdfium's line-end hyphen mark
    as "-", and LAYOUT_BREAK on its own line wherever the layout changes between two lines: the
    text size changes (body to footnote, box heading or flowchart label), the next line sits above
    the previous one (another box or column), or a gap of more than a line opens. Nothing else is
    cleaned: quote checks normalise it like the pypdf text (assistant.text.normalise)."""
    with PDFIUM_LOCK:
        return _layout_pages(path)


def _layout_pages(path: Path) -> list[str]:
    import pypdfium2 as pdfium  # imported here: only ingest needs it

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise IngestError(f"{path.name}: pdfium cannot read it ({exc}); download it again.") from exc
    out: list[str] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                lines = _layout_lines(textpage)
            finally:
                textpage.close()
                page.close()
            out.append(_join_blocks(lines, index + 1))
    finally:
        pdf.close()
    return out


def _layout_lines(textpage: Any) -> list[tuple[str, tuple[float, float, float] | None]]:
    """pdfium's lines, each with (text height, top, bottom) from the boxes of a few of its
    characters (None for a blank line, or when characters and text do not line up)."""
    text = textpage.get_text_range()
    aligned = textpage.count_chars() == len(text)
    lines: list[tuple[str, tuple[float, float, float] | None]] = []
    offset = 0
    for raw in text.split("\n"):
        at = [offset + i for i, ch in enumerate(raw) if not ch.isspace()]
        offset += len(raw) + 1
        line = raw.rstrip("\r").replace("\ufffe", "-").replace("\x02", "-").rstrip()
        if not at or not aligned:
            lines.append((line, None))
            continue
        step = max(1, len(at) // 8)  # a few characters are enough, and keep ingest fast
        boxes = [textpage.get_charbox(i, loose=True) for i in at[::step]]
        heights = sorted(top - bottom for _, bottom, _, top in boxes)
        lines.append((line, (heights[len(heights) // 2], max(b[3] for b in boxes),
                             min(b[1] for b in boxes))))
    return lines


def _join_blocks(lines: list[tuple[str, tuple[float, float, float] | None]], number: int) -> str:
    kept = _drop_page_number([ln for ln, _ in lines], number)
    if len(kept) < len(lines):  # drop the same line from the geometry
        gone = next(i for i, (ln, _) in enumerate(lines) if ln.strip() == str(number))
        lines = lines[:gone] + lines[gone + 1 :]
    out: list[str] = []
    prev: tuple[float, float, float] | None = None
    for line, geo in lines:
        if geo is not None and prev is not None and _new_block(prev, geo):
            out.append(LAYOUT_BREAK)
        if geo is not None:
            prev = geo
        out.append(line)
    return "\n".join(out).strip("\n")


def _new_block(prev: tuple[float, float, float], cur: tuple[float, float, float]) -> bool:
    (h0, top0, bottom0), (h1, top1, _) = prev, cur
    size = max(h0, h1) or 1.0
    return (abs(h1 - h0) > 0.15 * size  # another text size
            or top1 > top0 + 0.5 * size  # back up the page: another box or column
            or bottom0 - top1 > 1.2 * size)  # a gap of more than a line


def _text_pages(path: Path) -> list[tuple[int | None, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry."
        ) from exc
    if "\f" not in text:
        return [(None, text)]
    blocks = text.split("\f")
    if blocks and not blocks[-1].strip():
        blocks = blocks[:-1]
    return [(i + 1, block) for i, block in enumerate(blocks)]


def clean_page(text: str, number: int | None) -> tuple[str, int]:
    """The page without its printed number or footnote references glued to words, and the
    offset where its footnote block starts (footnotes are kept, apart from the paragraphs)."""
    lines = [" ".join(ln.split()) for ln in text.replace("\r\n", "\n").split("\n")]
    if number is None:
        text = "\n".join(lines).strip("\n")
        return text, len(text)
    lines = _drop_page_number(lines, number)
    if _is_toc(lines):
        return "", 0
    lines = _number_first(lines)
    cut = _footnote_start(lines)
    body = strip_footnote_refs("\n".join(lines[:cut]).strip("\n"))
    notes = "\n".join(ln for ln in lines[cut:] if ln)
    return (f"{body}\n\n{notes}" if notes else body), len(body)


def _drop_page_number(lines: list[str], number: int) -> list[str]:
    for idx in list(range(min(3, len(lines)))) + list(range(len(lines) - 1, max(-1, len(lines) - 3), -1)):
        if lines[idx].strip() == str(number):
            return lines[:idx] + lines[idx + 1:]
    return lines


def _number_first(lines: list[str]) -> list[str]:
    """A footnote block whose first number a text extraction set under its first line ("It is not
    the role… alleged" / "145" / "perpetrators or parents…", after a blank line): that number put
    first, as printed, so that the block is found. Unchanged when no footnote block starts there."""
    for i in range(1, len(lines) - 1):
        if (lines[i - 1] or not lines[i] or _FOOTNOTE_START.match(lines[i]) or _PARA.match(lines[i])
                or not _BARE_NUMBER.fullmatch(lines[i + 1])):
            continue
        swapped = [*lines[:i], lines[i + 1], lines[i], *lines[i + 2:]]
        if _footnote_start(swapped) == i:
            return swapped
    return lines


def _footnote_start(lines: list[str]) -> int:
    """Index of the line where footnotes start: after a blank line, with their number, below the
    last numbered paragraph (len(lines) when there are none)."""
    for i in range(1, len(lines)):
        if lines[i - 1] or not _FOOTNOTE_START.match(lines[i]) or _PARA.match(lines[i]):
            continue
        rest = [ln for ln in lines[i:] if ln]
        if not any(_PARA.match(ln) for ln in rest) and _footnote_block(rest):
            return i
    return len(lines)


def _footnote_block(rest: list[str]) -> bool:
    """Every footnote number in the block is followed by text, and numbers go up."""
    numbers = [int(m.group(1)) for ln in rest if (m := _FOOTNOTE_START.match(ln))]
    return bool(numbers) and numbers == sorted(numbers) and len(rest) > len(numbers) - 1 and (
        len(rest) > 1 or bool(_FOOTNOTE_LINE.match(rest[0])))


def _is_toc(lines: list[str]) -> bool:
    body = [ln for ln in lines if ln.strip()]
    if len(body) < 6:
        return False
    first = " ".join(body[:3]).lower()
    hits = sum(1 for ln in body if _TOC_LINE.match(ln))
    return ("contents" in first and hits / len(body) > 0.4) or hits / len(body) > 0.7
