"""Builders for local procedure documents (DOCX, HTML, PDF, Markdown) used by the local-docs tests."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_pdf

FACT = "In Northshire a strategy discussion is held within 2 working days of the referral."
TITLE = "Referral and assessment"
PUBLISHER = "Northshire Safeguarding Children Partnership"
# (heading level, text) or (0, paragraph)
SECTIONS: list[tuple[int, str]] = [
    (1, "4 Strategy discussions"),
    (2, "4.1 Purpose"),
    (0, "A strategy discussion decides whether the threshold for enquiries under section 47 is met "
        "and agrees who does what in the enquiries that follow."),
    (2, "4.2 Timescales"),
    (0, FACT),
    (0, "The social work team manager chairs it and records the decisions on the child's file."),
    (1, "5 Child protection conferences"),
    (0, "An initial child protection conference is convened within 15 working days of the "
        "strategy discussion that started the enquiries."),
]


def make_docx(path: Path, sections: list[tuple[int, str]] = SECTIONS, title: str = TITLE) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for level, text in sections:
        if level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def make_html(path: Path, sections: list[tuple[int, str]] = SECTIONS, title: str = TITLE) -> Path:
    body = "\n".join(f"<h{level + 1}>{text}</h{level + 1}>" if level else f"<p>{text}</p>"
                     for level, text in sections)
    path.write_text(
        f"<!doctype html><html><head><title>{title}</title><style>p {{color: #111}}</style>"
        f"<script>var x = 'not text';</script></head><body><nav><a href='/'>Home</a> Menu</nav>"
        f"<main><h1>{title}</h1>\n{body}</main><footer>Cookies and privacy</footer></body></html>",
        encoding="utf-8")
    return path


def make_local_pdf(path: Path, sections: list[tuple[int, str]] = SECTIONS) -> Path:
    """Two pages: the title and section 4.1 on page 1, the fact (section 4.2) on page 2."""
    lines = [text for _, text in sections]
    cut = next(i for i, (_, t) in enumerate(sections) if t.startswith("4.2"))
    return make_pdf(path, [[TITLE, *_wrap(lines[:cut])], _wrap(lines[cut:])])


def make_markdown(path: Path, sections: list[tuple[int, str]] = SECTIONS) -> Path:
    lines = [f"# {TITLE}", ""] + [f"{'#' * (level + 1)} {text}" if level else f"{text}\n"
                                  for level, text in sections]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _wrap(lines: list[str], width: int = 95) -> list[str]:
    """Long paragraphs over several PDF lines, as a word processor would print them."""
    out: list[str] = []
    for line in lines:
        words, current = line.split(), ""
        for word in words:
            if current and len(current) + len(word) + 1 > width:
                out.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        out.append(current)
    return out
