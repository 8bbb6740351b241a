"""Read an added local document (PDF, DOCX, HTML, Markdown, text) into headings and text blocks.

Each reader returns `Block`s in reading order (a heading with its level, or a paragraph of text,
with the printed page for PDFs) plus a title when the file names one. `pages_of` turns the blocks
into the `Page`s quotes are checked against: a PDF keeps its own pages (ingest.readers), the other
formats become one page-less page holding exactly the block texts.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IngestError, LocalDocumentError
from ingest.readers import read_pages
from ingest.records import Page

log = logging.getLogger(__name__)

SUPPORTED = {".pdf": "PDF", ".docx": "DOCX", ".html": "HTML", ".htm": "HTML", ".md": "Markdown",
             ".markdown": "Markdown", ".txt": "text"}
# "4.2 Timescales" or "4. Strategy discussions": a numbered heading in PDF or text sources
NUMBERED_HEADING = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})\.?\s+([A-Z][^.;:!?]{0,80})$")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*#*\s*$")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted Office file, or an old .doc


@dataclass(frozen=True)
class Block:
    text: str
    level: int = 0  # 0: text; 1-6: a heading of that level
    page: int | None = None

    @property
    def is_heading(self) -> bool:
        return self.level > 0


@dataclass(frozen=True)
class LocalText:
    pages: list[Page]
    blocks: list[Block]
    title: str | None


def check_file(path: Path, max_mb: float) -> str:
    """The format name of a file `add` can read; one clear error otherwise."""
    if not path.is_file():
        raise LocalDocumentError(f"{path}: file not found.")
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise LocalDocumentError(
            f"{path.name}: {path.suffix or 'files without an extension'} is not supported; "
            f"add a {', '.join(sorted(set(SUPPORTED.values())))} file.")
    size = path.stat().st_size
    if size == 0:
        raise LocalDocumentError(f"{path.name}: the file is empty; add the full document.")
    if size / 1e6 > max_mb:
        raise LocalDocumentError(
            f"{path.name}: {size / 1e6:.0f} MB is over the {max_mb:.0f} MB limit "
            "(SAFEGUIDE_MAX_FILE_MB); check it is the right file or raise the limit.")
    return kind


def read_local(path: Path, doc_id: str, max_mb: float) -> LocalText:
    """Blocks and pages of a local document; LocalDocumentError for anything unusable."""
    kind = check_file(path, max_mb)
    try:
        if kind == "PDF":
            return _pdf(path, doc_id, max_mb)
        blocks, title = {"DOCX": _docx, "HTML": _html, "Markdown": _markdown, "text": _text}[kind](path)
    except LocalDocumentError:
        raise
    except IngestError as exc:  # the national reader's messages are already one clear line
        raise LocalDocumentError(str(exc)) from exc
    blocks = [b for b in blocks if b.text]
    if not any(not b.is_heading for b in blocks):
        raise LocalDocumentError(f"{path.name}: no text found in the {kind} file; "
                                 "check it is the document itself (not a scan or an empty template).")
    text = "\n".join(b.text for b in blocks)
    return LocalText([Page(doc_id, None, text, len(text))], blocks, title)


# --- PDF ---------------------------------------------------------------------------------
def _pdf(path: Path, doc_id: str, max_mb: float) -> LocalText:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        encrypted = PdfReader(path).is_encrypted
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise LocalDocumentError(f"{path.name}: not a readable PDF ({type(exc).__name__}); the file "
                                 "may be corrupt or truncated: save it again.") from exc
    if encrypted:
        raise LocalDocumentError(f"{path.name}: the PDF is password-protected; save an unencrypted "
                                 "copy and add that.")
    try:
        pages = read_pages(path, doc_id, max_mb)
    except IngestError as exc:
        raise LocalDocumentError(str(exc)) from exc
    blocks = [_line_block(line, p.number) for p in pages for line in p.body.split("\n") if line.strip()]
    return LocalText(pages, blocks, _pdf_title(path))


def _pdf_title(path: Path) -> str | None:
    from pypdf import PdfReader

    try:
        meta = PdfReader(path).metadata
        return str(meta.title).strip() or None if meta and meta.title else None
    except Exception:  # noqa: BLE001 - the title is optional; pypdf raises many types
        return None


def _line_block(line: str, page: int | None) -> Block:
    """A line of a PDF or text file: a numbered heading ("4.2 Timescales") or text."""
    line = " ".join(line.split())
    m = NUMBERED_HEADING.match(line)
    if m and len(m.group(2)) <= 60 and len(m.group(2).split()) <= 8:  # not a wrapped sentence
        return Block(line, m.group(1).count(".") + 1, page)
    return Block(line, 0, page)


# --- DOCX --------------------------------------------------------------------------------
def _docx(path: Path) -> tuple[list[Block], str | None]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if path.read_bytes()[:8] == OLE_MAGIC:
        raise LocalDocumentError(f"{path.name}: the document is password-protected (or an old .doc "
                                 "file); save it as an unencrypted .docx and add that.")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LocalDocumentError(f"{path.name}: not a readable DOCX file ({type(exc).__name__}); "
                                 "the file may be corrupt: save it again from Word.") from exc
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            blocks += [Block(" ".join(p.text.split())) for row in item.rows for cell in row.cells
                       for p in cell.paragraphs]
        else:
            blocks.append(Block(" ".join(item.text.split()), _docx_level(item)))
    title = (document.core_properties.title or "").strip() or None
    return blocks, title


def _docx_level(paragraph: object) -> int:
    style = getattr(getattr(paragraph, "style", None), "name", "") or ""
    if style == "Title":
        return 1
    if m := re.match(r"Heading (\d)", style):
        return int(m.group(1))
    return 0


# --- HTML --------------------------------------------------------------------------------
TEXT_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "blockquote", "pre", "td", "th"]


def _html(path: Path) -> tuple[list[Block], str | None]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "lxml")  # bytes: the page's own charset is honoured
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "form", "template"]):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks = []
    for el in root.find_all(TEXT_TAGS):
        if el.find(TEXT_TAGS):  # an outer element: its inner ones give the text
            continue
        level = int(el.name[1]) if re.fullmatch(r"h[1-6]", el.name) else 0
        blocks.append(Block(" ".join(el.get_text(" ", strip=True).split()), level))
    return blocks, title or None


# --- Markdown and plain text ---------------------------------------------------------------
def _read_utf8(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LocalDocumentError(f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                                 "and add it again.") from exc


def _markdown(path: Path) -> tuple[list[Block], str | None]:
    blocks = []
    for raw in _read_utf8(path).splitlines():
        line = _plain_markdown(raw.strip())
        if m := MD_HEADING.match(raw.strip()):
            blocks.append(Block(_plain_markdown(m.group(2)), len(m.group(1))))
        elif line and not re.fullmatch(r"[-*_=]{3,}", line):
            blocks.append(_line_block(line, None) if not raw.startswith(" ") else Block(line))
    title = next((b.text for b in blocks if b.level == 1), None)
    return blocks, title


def _plain_markdown(text: str) -> str:
    """Markdown inline marks out: what a reader sees is what is quoted."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images: their text
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return " ".join(text.split())


def _text(path: Path) -> tuple[list[Block], str | None]:
    blocks = [_line_block(line, None) for line in _read_utf8(path).splitlines() if line.strip()]
    return blocks, None
