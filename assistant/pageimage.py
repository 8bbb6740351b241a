"""The printed page as an image, with the quoted lines highlighted from the PDF's own text
positions (pypdfium2). Used by the web chat's source cards; text-only sources have no image.

Images are cached on disk by (file, page, quote); the cache folder is private to the process and
deleted on shutdown (`PageImages.close`).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from ingest.readers import PDFIUM_LOCK

log = logging.getLogger(__name__)
SCALE = 1.4  # 595 pt A4 width -> 833 px
HIGHLIGHT = (255, 221, 0, 110)  # GOV.UK focus yellow, translucent
EDGE = (11, 12, 12, 255)
END_KEY = 40  # alphanumerics matched at each end when the whole quote does not match


def _alnum(text: str) -> tuple[str, list[int]]:
    """Lower-case letters and digits of `text`, and the index in `text` of each one."""
    keep = [(ch.lower(), i) for i, ch in enumerate(text) if ch.isalnum()]
    return "".join(c for c, _ in keep), [i for _, i in keep]


def locate(page_text: str, quote: str) -> tuple[int, int] | None:
    """Character range [start, end] of `quote` in `page_text`, ignoring spacing, punctuation and
    line-end hyphens; when footnote numbers inside the PDF text break an exact match, the quote's
    first and last words are matched and the span between them is taken."""
    hay, where = _alnum(page_text)
    needle, _ = _alnum(quote)
    if not needle:
        return None
    pos = hay.find(needle)
    if pos >= 0:
        return where[pos], where[pos + len(needle) - 1]
    head, tail = needle[:END_KEY], needle[-END_KEY:]
    start = hay.find(head)
    end = hay.find(tail, start + 1) if start >= 0 else -1
    if start < 0 or end < 0 or end + len(tail) - start > 2 * len(needle):
        return None
    return where[start], where[end + len(tail) - 1]


class PageImages:
    """Renders and caches highlighted page images."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="safeguide-pages-"))
        self._lock = threading.Lock()

    def path_for(self, pdf: Path, page: int, quote: str) -> Path:
        key = hashlib.sha256(f"{pdf}\0{page}\0{quote}".encode()).hexdigest()[:24]
        return self.folder / f"page-{key}.png"

    def render(self, pdf: Path, page: int, quote: str) -> Path | None:
        """The page image with the quote highlighted (None when the page cannot be rendered)."""
        out = self.path_for(pdf, page, quote)
        if out.exists():
            return out
        try:
            image = _render(pdf, page, quote)
        except Exception as err:  # a page image is a convenience: never fail the answer for it
            log.warning("could not render %s page %s: %s", pdf.name, page, err)
            return None
        tmp = out.with_suffix(".tmp")
        with self._lock:
            image.save(tmp, format="PNG", optimize=False)
            tmp.replace(out)
        return out

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _render(pdf: Path, page_no: int, quote: str) -> Any:
    with PDFIUM_LOCK:  # pdfium is not thread-safe, and the web server renders from worker threads
        return _render_locked(pdf, page_no, quote)


def _render_locked(pdf: Path, page_no: int, quote: str) -> Any:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[page_no - 1]
        _, height = page.get_size()
        image = page.render(scale=SCALE).to_pil().convert("RGBA")
        text = page.get_textpage()
        span = locate(text.get_text_range(), quote)
        if span is None:
            log.info("quote not located on %s page %d; page shown without highlight", pdf.name,
                     page_no)
        else:
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            start, end = span
            top_most, bottom_most = None, None
            for i in range(text.count_rects(start, end - start + 1)):
                left, bottom, right, top = text.get_rect(i)
                box = (left * SCALE - 1, (height - top) * SCALE - 1,
                       right * SCALE + 1, (height - bottom) * SCALE + 1)
                draw.rectangle(box, fill=HIGHLIGHT)
                top_most = box[1] if top_most is None else min(top_most, box[1])
                bottom_most = box[3] if bottom_most is None else max(bottom_most, box[3])
            if top_most is not None and bottom_most is not None:  # a bar in the margin too
                draw.rectangle((6, top_most, 12, bottom_most), fill=EDGE)
            image = Image.alpha_composite(image, overlay)
        return image.convert("RGB")
    finally:
        doc.close()


def image_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    with path.open("rb") as fh:
        head = fh.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
