"""Quotes a reader can find on the printed page: the second (pdfium) extraction and its checks."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.cite import quote_in_pages, verify
from assistant.evidence import Unit
from assistant.layout import fit_to_layout, quote_in_layout, trim_to_layout
from assistant.records import Citation
from corpus.manifest import load_manifest
from evals.scorer import _quote_ok
from ingest.readers import read_pages
from ingest.records import Chunk, Page
from ingest.segment import segment
from tests.conftest import make_pdf, write_pdf

# A page as pypdf gives it after cleaning (the footnote moved below the body, the box text glued
# to the body's last line) and as pdfium gives it (the sentence stops; the footnote, then the box).
BOX_TEXT = ("333. The local authority has a duty to notify the panel about all serious incidents. "
            "Making a notification, will ensure that learning is shared. "
            "16C (1) of the Children Act 2004 states: Where a local authority knows that a child has "
            "been abused, it must notify the panel.")
BOX_LAYOUT = ("333. The local authority has a duty to notify the panel about all serious incidents.\n"
              "Making a notification, will ensure that learning is\n"
              "193 Care leavers are entitled to support up to their 25th birthday.\n"
              "16C (1) of the Children Act 2004 states:\n"
              "Where a local authority knows that a child has been abused, it must notify the panel.\n"
              "shared.")
BOX_PAGE = Page("wt", 133, BOX_TEXT, layout=BOX_LAYOUT)


def _chunk(text: str, page: int | None = 133, breaks: tuple[int, ...] = ()) -> Chunk:
    return Chunk("c1", "wt", "WT", "working-together", "2023", page, page, "333", (), text,
                 page_breaks=breaks)


def _span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def test_quote_running_into_a_box_fails_the_second_check_only() -> None:
    quote = "Making a notification, will ensure that learning is shared."
    assert quote in BOX_TEXT
    cite = verify(Citation(1, "wt", "WT", "2023", 133, "333", quote), [BOX_PAGE])
    assert not cite.verified and cite.failed_checks == ("layout",)
    assert not quote_in_pages(quote, [BOX_PAGE], 133, 133)
    good = verify(Citation(2, "wt", "WT", "2023", 133, "333", "has a duty to notify the panel"), [BOX_PAGE])
    assert good.verified and good.failed_checks == ()
    wrong = verify(Citation(3, "wt", "WT", "2023", 133, "333", "has a duty to tell the panel"), [BOX_PAGE])
    assert wrong.failed_checks == ("text", "layout")


def test_trim_keeps_whole_quotes_cuts_at_a_clause_and_drops_fragments() -> None:
    chunk = _chunk(BOX_TEXT)
    whole = _span(BOX_TEXT, "333. The local authority has a duty to notify the panel about all serious "
                            "incidents.")
    assert trim_to_layout(chunk, *whole, [BOX_PAGE]) == whole
    # the box's own text is contiguous in both extractions: kept whole
    start, _ = _span(BOX_TEXT, "16C (1)")
    assert trim_to_layout(chunk, start, len(BOX_TEXT), [BOX_PAGE]) == (start, len(BOX_TEXT))
    # body + next body sentence, where the second runs into the footnote: cut after the first
    start, _ = whole
    end = BOX_TEXT.index("16C (1)")
    assert trim_to_layout(chunk, start, end, [BOX_PAGE]) == whole
    # nothing sensible before the break: dropped
    start, end = _span(BOX_TEXT, "Making a notification, will ensure that learning is shared.")
    assert trim_to_layout(chunk, start, end, [BOX_PAGE]) is None


def test_footnote_marker_set_on_its_own_line_by_pdfium_still_passes() -> None:
    page = Page("wt", 151, "set out in ‘Guidelines (2016)’226. A joint agency response is required",
                layout="set out in ‘Guidelines (2016)’\n226. A joint agency response is required")
    assert quote_in_pages("set out in ‘Guidelines (2016)’226. A joint agency response", [page], 151, 151)
    assert not quote_in_pages("set out in ‘Guidelines (2016)’226. A joint agency reply", [page], 151, 151)


def test_heading_glued_before_a_sentence_is_left_out() -> None:
    text = ("Serious incident notification\nAll serious child safeguarding incidents should be "
            "notified within five working days.")
    page = Page("wt", 144, text, layout=text.replace("\nAll", "\n\u2016\nAll"))
    chunk = _chunk(text, 144)
    assert not quote_in_pages(text, [page], 144, 144)
    span = trim_to_layout(chunk, 0, len(text), [page])
    assert span is not None and text[span[0]:span[1]].startswith("All serious child")
    assert span[1] == len(text)
    # a line break inside one block is no reason to move the start
    wrapped = Page("wt", 144, text, layout=text + "\n\u2016\nSee also Annex B.")
    assert trim_to_layout(chunk, 0, len(text), [wrapped]) == (0, len(text))


def test_text_sources_have_no_second_check() -> None:
    page = Page("kcsie-2025", 12, "Staff should act immediately.")  # a form-feed page of a .txt
    assert quote_in_layout("Staff should act immediately.", [page], 12, 12)
    assert trim_to_layout(_chunk(page.text, 12), 0, len(page.text), [page]) == (0, len(page.text))
    briefing = Page("wt2018-briefing", None, "Safeguarding partners replace LSCBs.")
    assert quote_in_layout("partners replace LSCBs", [briefing], None, None)
    assert not quote_in_layout("", [page], 12, 12)


# --- a real PDF: body, footnote and a box, in that order in the content stream ------------------
def _positioned_pdf(path: Path, lines: list[tuple[int, int, int, str]]) -> Path:
    """A one-page PDF (page number 1) with each (x, y, size, text) line drawn where it says, in
    list order: the content stream order both extractors read in."""
    ops = ["BT"]
    for x, y, size, text in lines:
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"/F1 {size} Tf 1 0 0 1 {x} {y} Tm ({safe}) Tj")
    stream = "\n".join([*ops, "ET"]).encode("latin-1")
    body = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return write_pdf(path, body)


def test_footnote_and_box_are_separate_blocks_in_the_second_extraction(tmp_path: Path) -> None:
    path = _positioned_pdf(tmp_path / "box.pdf", [
        (60, 500, 11, "5. Staff should speak to the designated safeguarding lead at once. They"),
        (60, 486, 11, "should record the concern and the action taken"),
        (60, 120, 8, "7 The Children Act 2004, section 16C, sets out the duty to notify."),
        (80, 700, 11, "Section 16C of the Children Act 2004 states that the local authority"),
        (80, 686, 11, "must notify the panel."),
        (290, 40, 11, "1"),
    ])
    pages = read_pages(path, "working-together-2023")
    layout = pages[0].layout or ""
    assert layout.count("\u2016") == 2 and not layout.endswith("1")
    text_only = [Page(p.doc_id, p.number, p.text, p.body_end) for p in pages]
    # the stream reads footnote then box: contiguous in both texts, but not on the printed page
    across = "sets out the duty to notify. Section 16C of the Children Act 2004"
    assert quote_in_pages(across, text_only, 1, 1)
    assert not quote_in_pages(across, pages, 1, 1)
    assert verify(Citation(1, "working-together-2023", "WT", "2023", 1, None, across),
                  pages).failed_checks == ("layout",)
    for own in ("They should record the concern and the action taken",
                "Section 16C of the Children Act 2004 states that the local authority must notify"):
        assert quote_in_pages(own, pages, 1, 1)
    # a sentence running from the body into the footnote is cut back to the body's sentence
    chunk = _chunk(pages[0].text, 1)
    start = chunk.text.index("Staff should")
    end = chunk.text.index("section 16C,") + len("section 16C,")
    span = trim_to_layout(chunk, start, end, pages)
    assert span is not None and chunk.text[span[0]:span[1]] == (
        "Staff should speak to the designated safeguarding lead at once.")


# --- a real PDF: a sentence that runs onto the next page, past a footnote -----------------------
PAGE_ONE = ["Chapter 3: Assessment",
            "1. Assessments should be child centred and holistic. The local authority should notify",
            "the panel of any serious incident within five working days, as set out in the Children",
            "Act 2004,",
            " ",
            "12 Section 16C of the Children Act 2004.",
            "1"]
PAGE_TWO = ["2",
            "and keep a record of each notification. Safeguarding partners must agree which incidents",
            "should be notified in their area."]


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Page], list[Chunk]]:
    path = make_pdf(tmp_path_factory.mktemp("layout") / "wt.pdf", [PAGE_ONE, PAGE_TWO])
    pages = read_pages(path, "working-together-2023")
    doc = load_manifest().doc("working-together-2023")
    return pages, segment(doc, pages, 1200, 800)


def test_pdf_pages_carry_a_second_extraction(two_pages: tuple[list[Page], list[Chunk]]) -> None:
    pages, _ = two_pages
    assert [p.number for p in pages] == [1, 2]
    assert all(p.layout for p in pages)
    assert "child centred and holistic" in (pages[0].layout or "")
    assert not (pages[0].layout or "").endswith("\n1")  # the printed page number is dropped
    assert not (pages[1].layout or "").startswith("2")
    assert "12 Section 16C" in (pages[0].layout or "")  # the footnote stays where pdfium puts it


def test_quote_across_a_page_and_footnote_is_trimmed(two_pages: tuple[list[Page], list[Chunk]]) -> None:
    pages, chunks = two_pages
    chunk = next(c for c in chunks if "should notify" in c.text)
    assert chunk.page_start == 1 and chunk.page_end == 2
    sentence = ("The local authority should notify the panel of any serious incident within five "
                "working days, as set out in the Children Act 2004, and keep a record of each notification.")
    start = chunk.text.index("The local authority")
    end = chunk.text.index("notification.") + len("notification.")
    assert " ".join(chunk.text[start:end].split()) == sentence
    # the pypdf check joins the two pages' bodies, so alone it would show the quote
    assert quote_in_pages(sentence, [Page(p.doc_id, p.number, p.text, p.body_end) for p in pages], 1, 2)
    assert not quote_in_pages(sentence, pages, 1, 2)
    span = trim_to_layout(chunk, start, end, pages)
    assert span is not None
    trimmed = chunk.text[span[0]:span[1]]
    assert trimmed.startswith("The local authority") and " ".join(trimmed.split()).endswith(
        "as set out in the Children Act 2004")
    assert chunk.page_at(span[1] - 1) == 1
    assert quote_in_pages(trimmed, pages, 1, 1)
    # the answer step's helper: a sentence that turns the page, its first page's part whole there,
    # is kept whole to be scored (the answer quotes it a page at a time); before, the second unit,
    # with no sentence or clause end on its first page, was dropped, and the first cut to a clause
    units = [Unit(0, chunk, start, end), Unit(0, chunk, chunk.text.index("as set out"), end)]
    kept, scores = fit_to_layout(units, np.array([0.9, 0.8]), lambda _doc: pages)
    assert [(u.start, u.end) for u in kept] == [(start, end), (units[1].start, end)]
    assert scores.tolist() == [0.9, 0.8]
    # a few words at the page's foot ("Children Act 2004," | "and keep a record…") are its part there
    foot = Unit(0, chunk, chunk.text.rindex("Children", 0, chunk.text.index("Act 2004,")), end)
    kept, _ = fit_to_layout([foot], np.array([0.7]), lambda _doc: pages)
    assert [(u.start, u.end) for u in kept] == [(foot.start, end)]
    # a box breaking the first page's part: cut units kept with their scores, dropped units removed
    broken = (pages[0].layout or "").replace("as set out in the", "as set out\n‖\nin the")
    boxed = [replace(pages[0], layout=broken), pages[1]]
    kept, scores = fit_to_layout(units, np.array([0.9, 0.8]), lambda _doc: boxed)
    assert len(kept) == 1 and scores.tolist() == [0.9]
    assert " ".join(kept[0].text.split()).endswith("any serious incident within five working days")


def test_eval_rechecks_quotes_under_both_extractions(two_pages: tuple[list[Page], list[Chunk]]) -> None:
    pages, _ = two_pages
    across = Citation(1, "working-together-2023", "WT", "2023", 1, "1",
                      "as set out in the Children Act 2004, and keep a record", page_end=2)
    on_page = Citation(2, "working-together-2023", "WT", "2023", 2, None,
                       "Safeguarding partners must agree which incidents should be notified")
    assert not _quote_ok(across, lambda _doc: pages)
    assert _quote_ok(on_page, lambda _doc: pages)


def test_index_from_before_the_second_extraction_is_upgraded_without_embedding(tmp_path: Path) -> None:
    """An index written before the second extraction: its pages are read without one (only the
    pypdf check then applies), and the next ingest parses the documents again, reusing every
    vector, so the page store gains the pdfium text."""
    import json

    from assistant.settings import Settings
    from corpus.manifest import Document, Manifest
    from corpus.sync import sha256_of
    from ingest.index import IndexStore
    from ingest.pipeline import run_ingest
    from tests.conftest import FakeEmbedder

    settings = Settings(home=tmp_path / "home", corpus=tmp_path / "src")
    src = settings.corpus_dir
    src.mkdir(parents=True)
    make_pdf(src / "wt.pdf", [PAGE_ONE, PAGE_TWO])
    (src / "notes.txt").write_text("Page one about neglect.\fPage two about early help.\n")
    base = load_manifest()
    docs = [Document(id=name, file=file, title=name, series="working-together", edition="2023",
                     kind="statutory-guidance", status="in-force", numbered_paragraphs=numbered,
                     sha256=sha256_of(src / file))
            for name, file, numbered in (("wt", "wt.pdf", True), ("notes", "notes.txt", False))]
    manifest = Manifest(series=base.series, editions=base.editions, documents=docs)
    store = IndexStore(settings)
    run_ingest(settings, manifest, FakeEmbedder())
    assert all(p.layout for p in store.read_pages("wt"))
    assert all(p.layout is None for p in store.read_pages("notes"))  # a text source: none

    state = store.load_state()  # make it look like an index from before this change
    for doc_id, info in state["docs"].items():
        del info["layout"]
        path = store.pages_file(doc_id, info["sha256"])
        data = json.loads(path.read_text())
        path.write_text(json.dumps([{k: v for k, v in p.items() if k != "layout"} for p in data]))
    store.commit(state)
    assert all(p.layout is None for p in store.read_pages("wt"))

    embedder = FakeEmbedder()
    report = run_ingest(settings, manifest, embedder)
    assert sorted(report.updated) == ["notes", "wt"] and report.embedded == 0 and embedder.texts == 0
    assert all(p.layout for p in store.read_pages("wt"))
    again = run_ingest(settings, manifest, FakeEmbedder())
    assert not again.updated and sorted(again.skipped) == ["notes", "wt"]


@pytest.mark.slow
@pytest.mark.integration
def test_real_wt2023_p133_footnote_does_not_run_into_the_16c_box(real_index) -> None:  # type: ignore[no-untyped-def]
    """The issue's example: on WT 2023 p.133 pypdf reads footnote 193 straight into the box
    quoting section 16C of the Children Act 2004; on the printed page they are apart."""
    from assistant.cite import quote_in_text
    from ingest.index import IndexStore

    store = IndexStore(real_index)
    pages = store.read_pages("working-together-2023")
    across = "(and therefore their death). 16C (1) of the Children Act 2004"
    assert quote_in_text(across, pages, 133, 133)
    assert not quote_in_pages(across, pages, 133, 133)
    chunk = next(c for c in store.read_chunks() if c.doc_id == "working-together-2023"
                 and c.page_start == 133 and "therefore their death)" in c.text)
    start = chunk.text.index("If a young person")
    end = chunk.text.index("Where a local authority in England")
    span = trim_to_layout(chunk, start, end, pages)
    assert span is not None
    assert chunk.text[span[0]:span[1]].endswith("whereabouts or circumstances (and therefore their death).")
    assert quote_in_pages(chunk.text[span[0]:span[1]], pages, 133, 133)


def test_a_bulleted_list_is_checked_line_by_line_in_order() -> None:
    from assistant.layout import _BREAK, in_layout, squash

    quote = "Contact details are:\n• email – team@example.org\n• telephone – 0300 060 6699"
    lines = ["Contact details are:", "• email – team@example.org", "• telephone – 0300 060 6699"]
    hay = _BREAK.join(squash(line) for line in lines)  # each bullet its own layout block
    assert in_layout(quote, hay)
    swapped = _BREAK.join(squash(line) for line in (lines[0], lines[2], lines[1]))
    assert not in_layout(quote, swapped)  # the items in another order are not the printed list
    assert not in_layout("Contact details are: email – team@example.org", hay)  # across blocks


def test_a_box_title_over_its_numbered_list_passes_as_one_quote() -> None:
    """pdfium sets a box title and the list below it in separate blocks; a quote of the title (a
    lead-in ending in ':') with the first item is still in reading order in both extractions."""
    text = ("The Seven golden rules for sharing information:\n"
            "1. All children have a right to be protected from abuse and neglect.")
    layout = ("The Seven golden rules for sharing information:\n‖\n"
              "1. All children have a right to be protected from abuse and neglect.")
    page = Page("is", 4, text, layout=layout)
    assert quote_in_pages(text, [page], 4, 4)
    # the same words out of order are still refused
    swapped = Page("is", 4, text, layout="1. All children have a right to be protected from abuse "
                   "and neglect.\n‖\nThe Seven golden rules for sharing information:")
    assert not quote_in_pages(text, [swapped], 4, 4)


DIRECTORY = ("Abuse\n\nWhat to do if you're worried a child is being abused – DfE advice\n"
             "Forced marriage resource pack\n"
             "Tackling Child Sexual Abuse Strategy – Home Office policy paper\n\n"
             "Radicalisation\n\n"
             "Prevent duty guidance – Home Office guidance\n"
             "Extremism and Radicalisation Safeguarding Resources – Resources by London Grid for\n"
             "Learning\n"
             "Rise Above: Free PSHE resources on health and resilience – Public Health\n"
             "England\n\n"
             "(So-called) ‘honour’-based abuse, including FGM and forced marriage\n\n"
             "Forced marriage – Forced Marriage Unit (FMU) resources\n")


def test_a_resource_directory_is_chunked_under_its_own_titles() -> None:
    doc = load_manifest().doc("kcsie-2025")
    chunks = segment(doc, [Page("kcsie-2025", 168, DIRECTORY)], 1500, 900)
    titles = {c.headings[-1]: c.text for c in chunks}
    assert "Prevent duty guidance" in titles["Radicalisation"]  # not filed under "Abuse"
    honour = "(So-called) ‘honour’-based abuse, including FGM and forced marriage"
    assert "Forced Marriage Unit" in titles[honour]
    # an entry without a dash, and a line an entry wrapped onto, are not titles
    assert {"Forced marriage resource pack", "Learning", "England"}.isdisjoint(titles)


REVIEW_PAGE = ("1. The criteria safeguarding partners must take into account include whether the case:\n"
               "• highlights recurrent themes in the safeguarding of children\n"
               "Safeguarding partners should also have regard to circumstances where:\n"
               "• they have cause for concern about the actions of a single agency\n"
               "• the case may raise issues related to safeguarding or promoting the welfare of\n"
               "children in institutional settings\n"
               "The rapid review\n"
               "2. The safeguarding partners should promptly undertake a rapid review of the case.\n")


def test_a_heading_after_a_lists_last_item_opens_the_next_paragraphs_section() -> None:
    """A short title line between a list's last item (no full stop) and a numbered paragraph is
    that paragraph's heading, not the end of the item (it was quoted as "…institutional
    settings The rapid review", which no page shows in that order)."""
    doc = load_manifest().doc("working-together-2023")
    chunks = segment(doc, [Page("working-together-2023", 135, REVIEW_PAGE)], 1500, 900)
    first = next(c for c in chunks if c.paragraph == "1")
    after = next(c for c in chunks if c.paragraph == "2")
    assert first.text.rstrip().endswith("children in institutional settings")
    assert after.headings[-1] == "The rapid review"


STANDARDS_PAGE = ("1. Local safeguarding partners need to ensure all practitioners meet these standards.\n"
                  "A: Recognising actual or likely significant harm for all practitioners\n"
                  "• Practitioners are alert to potential indicators of abuse.\n"
                  "B: Section 47 enquiries, child protection conferences and child protection plans\n"
                  "• Practitioners listen to what children tell them.\n"
                  "B: The plan was agreed.\n"
                  "• not a heading: it ends a sentence\n")


def test_a_lettered_heading_over_a_list_heads_its_items_however_long() -> None:
    """WT 2023's practice standards are grouped under "A: …", "B: Section 47 enquiries, child
    protection conferences and child protection plans" (81 characters): the items under B are
    found by "section 47" because their section is named so."""
    doc = load_manifest().doc("working-together-2023")
    chunks = segment(doc, [Page("working-together-2023", 82, STANDARDS_PAGE)], 1500, 900)
    listen = next(c for c in chunks if "listen to what children" in c.text)
    assert listen.headings[-1].startswith("B: Section 47 enquiries")
    assert "B: Section 47" not in listen.text
    alert = next(c for c in chunks if "alert to potential" in c.text)
    assert alert.headings[-1].startswith("A: Recognising")
    assert "B: The plan was agreed." in next(c for c in chunks if "not a heading" in c.text).text


def test_a_flow_chart_s_boxes_are_each_a_unit() -> None:
    """Boxes carry no full stops: read as prose, a chart was one long "sentence" quoted cut off.
    A box opens a line with a capital after a line that does not run on into it."""
    from dataclasses import replace

    from ingest.records import Chunk
    from ingest.segment import chunk_spans

    text = ("Flow chart 3: Immediate protection\nThe local authority decides, with involvement from\n"
            "other agencies, whether to take action\nThe local authority convenes an\n"
            "immediate strategy discussion with the\nNSPCC, if involved\n"
            "The relevant agency seeks legal advice")
    chart = Chunk("c1", "working-together-2023", "WT", "working-together", "2023", 102, 102, None,
                  ("Chapter 3", "Flow chart 3: Immediate protection"), text)
    boxes = [text[s:e] for s, e in chunk_spans(chart)]
    assert boxes[1:] == [
        "The local authority decides, with involvement from\nother agencies, whether to take action",
        "The local authority convenes an\nimmediate strategy discussion with the\nNSPCC, if involved",
        "The relevant agency seeks legal advice"]
    prose = replace(chart, paragraph="12", headings=("Chapter 3", "Assessment"))
    assert len(chunk_spans(prose)) == 1  # prose is split at sentence ends only


def test_footnote_marker_after_a_closing_quote_before_the_stop_still_passes() -> None:
    # WT 2023 p101: pypdf's text has the marker stripped; pdfium sets it on the next line, before "."
    page = Page("wt", 101, "follow the ‘Court orders and pre-proceedings guidance for local authorities’. "
                "This decision should be informed by engagement",
                layout="follow the ‘Court\norders and pre-proceedings guidance for local authorities’\n"
                       "122. This decision should be\ninformed by engagement")
    quote = "follow the ‘Court orders and pre-proceedings guidance for local authorities’. This decision"
    assert quote_in_pages(quote, [page], 101, 101)
    assert not quote_in_pages(quote.replace("This", "That"), [page], 101, 101)


def test_each_footnote_of_a_page_is_a_unit_of_its_own() -> None:
    """A box's last sentence ran on into the footnotes under it ("…section 6. 161 Strengthening…"),
    and a quote gave several footnotes as one passage."""
    from ingest.records import Chunk
    from ingest.segment import FOOTNOTES, chunk_spans

    text = ("Both are bound by section 6 of the Human Rights Act 1998. Prison governors must\nensure "
            "compliance with article 8 and section 6.\n161 Strengthening Prisoners Family Ties Policy "
            "Framework\n162 Pregnancy, Mother and Baby Units (MBUs)\n163 “Working together” is defined in\n"
            "16 places")
    notes = Chunk("c1", "working-together-2023", "WT", "working-together", "2023", 120, 120, None,
                  (FOOTNOTES,), text)
    units = [text[s:e] for s, e in chunk_spans(notes)]
    assert units[1] == "Prison governors must\nensure compliance with article 8 and section 6."
    assert units[2:] == ["161 Strengthening Prisoners Family Ties Policy Framework",
                         "162 Pregnancy, Mother and Baby Units (MBUs)",
                         "163 “Working together” is defined in\n16 places"]  # "16 places" opens no note
    # in a page's text, a footnote printed after a sentence's end is cut off it too
    body = Chunk("c2", "kcsie-2024", "KCSIE", "kcsie", "2024", 80, 80, None, ("Contractors",),
                 "Providers should obtain a copy\nof the certificate.\n100 Where using a third party, "
                 "see the guidance\non\n16 places.")
    assert [body.text[s:e] for s, e in chunk_spans(body)] == [
        "Providers should obtain a copy\nof the certificate.",
        "100 Where using a third party, see the guidance\non\n16 places."]



def test_each_glossary_entry_opens_a_unit_though_the_line_before_is_unpunctuated() -> None:
    """A glossary entry after a list's last item ran on in it ("• provide suitable education…
    needs Parent carer - … Physical abuse - A form of abuse…"), so no quote gave one entry alone."""
    from ingest.records import Chunk
    from ingest.segment import chunk_spans

    text = ("Neglect may involve a parent or carer failing to:\n• provide suitable education\n"
            "It may also include neglect of a child’s basic emotional needs\nParent carer - A person aged 18 "
            "or over who provides care for a\ndisabled child\nPhysical abuse - A form of abuse which may "
            "involve hitting, shaking,\nthrowing or poisoning.")
    glossary = Chunk("c1", "working-together-2023", "WT", "working-together", "2023", 160, 160, None,
                     ("Appendix A: Glossary",), text)
    units = [text[s:e] for s, e in chunk_spans(glossary)]
    assert units[-2:] == ["Parent carer - A person aged 18 or over who provides care for a\ndisabled child",
                          "Physical abuse - A form of abuse which may involve hitting, shaking,\n"
                          "throwing or poisoning."]
    # outside a glossary, a line like an entry's opening runs on as before
    prose = Chunk("c2", "kcsie-2025", "KCSIE", "kcsie", "2025", 20, 20, None, ("Part one",),
                  "The DSL should\nLiaise - With staff when needed.")
    assert len(chunk_spans(prose)) == 1


ANNEX_PAGE = ("Child-on-child abuse\n" + "\n".join(textwrap.wrap(
    "All staff should be aware that children can abuse other children at any age. " * 12
    + "Staff should be clear as to the policy. Child-on-child abuse is most likely to include, but may", 88))
    + "\nnot be limited to:\n• bullying (including cyberbullying)\n• physical abuse such as hitting\n"
    + "• sexual harassment, such as sexual comments, remarks, jokes\n")


def test_a_list_cut_from_its_lead_in_is_searched_with_it() -> None:
    """A chunk that opens with a list's items carries the lead-in the chunk before ends with: it is
    embedded and BM25-indexed with it (the items were never found by "what forms is child-on-child
    abuse most likely to include?"), and never quoted from it."""
    chunks = segment(load_manifest().doc("kcsie-2025"), [Page("kcsie-2025", 20, ANNEX_PAGE)], 1400, 900)
    items = next(c for c in chunks if c.text.startswith("• bullying"))
    lead = "Child-on-child abuse is most likely to include, but may not be limited to:"
    assert items.lead == lead and lead in items.embed_text()
    assert "most likely" not in items.text
    assert not any(c.lead for c in chunks if not c.text.startswith("•"))
