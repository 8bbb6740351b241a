"""Unit tests for the web chat's pure helpers (assistant/webview.py): no gradio, no models."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from assistant import webview as wv
from assistant.errors import QuestionError
from assistant.records import Answer, Citation

PAGE = ("Timeliness\n155. The maximum timeframe for the assessment to conclude, such that it is "
        "possible to\nreach a decision on next steps, should be no longer than 45 working days "
        "from the point\nof referral. <b>bold</b> & more")
QUOTE = ("The maximum timeframe for the assessment to conclude, such that it is possible to "
         "reach a decision on next steps, should be no longer than 45 working days from the point "
         "of referral.")


def cite(marker: int, quote: str = QUOTE, page: int | None = 59, **kw: object) -> Citation:
    base: dict[str, object] = dict(
        marker=marker, doc_id="working-together-2023",
        title="Working Together to Safeguard Children 2023: statutory guidance", edition="2023",
        page=page, paragraph="155", quote=quote, section="Timeliness", page_end=page,
        duty="should (follow unless there is good reason not to)", status="in-force",
        chunk_id=f"c{marker}", verified=True)
    base.update(kw)
    return Citation(**base)  # type: ignore[arg-type]


def answer(text: str, cites: list[Citation]) -> Answer:
    return Answer("How long can an assessment take?", text, False, "Working Together 2023", cites,
                  ["No edition was named, so this uses the edition in force today."])


def view(c: Citation, chunk: str = PAGE, page: str = PAGE) -> wv.SourceView:
    return wv.SourceView(c, chunk, page, "https://www.gov.uk/x?a=1&b=2",
                         "https://assets.publishing.service.gov.uk/wt.pdf")


# ------------------------------------------------------------------------------- escaping
def test_script_in_question_renders_as_text() -> None:
    out = wv.render_question("What if <script>alert(1)</script> & <img src=x onerror=alert(2)>?")
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&amp;" in out


def test_script_in_document_text_is_escaped_in_cards() -> None:
    page = "Intro <script>alert('x')</script>\n" + PAGE
    html = wv.render_card(view(cite(1), chunk=page, page=page))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert 'href="https://www.gov.uk/x?a=1&amp;b=2"' in html


def test_script_in_answer_text_and_no_raw_newlines() -> None:
    out = wv.render_text('He said <script>x</script>\n\n"ok" [1]')
    assert "<script>" not in out and "\n" not in out
    assert '<a class="sg-marker" href="#sg-src-1">[1]</a>' in out


def test_a_part_heading_is_shown_in_bold_not_as_asterisks() -> None:
    out = wv.render_text("**What is a strategy discussion?**\n“The purpose of a strategy discussion…” [1]\n"
                         "**who attends?**\n“A local authority social worker…” [2]")
    assert "**" not in out
    assert '<strong class="sg-part">What is a strategy discussion?</strong><br>' in out
    assert '<strong class="sg-part">who attends?</strong>' in out


# ----------------------------------------------------------------------------- highlighting
def test_quote_highlighted_across_line_breaks() -> None:
    html, found = wv.highlight(PAGE, QUOTE)
    assert found
    marked = html.split("<mark>", 1)[1].split("</mark>", 1)[0]
    assert marked.startswith("The maximum timeframe") and marked.endswith("of referral.")
    assert "Timeliness" in html.split("<mark>")[0]


def test_highlight_escapes_inside_and_outside_the_mark() -> None:
    html, found = wv.highlight("a <i>b</i> c & d", "<i>b</i> c")
    assert found and html == "a <mark>&lt;i&gt;b&lt;/i&gt; c</mark> &amp; d"


def test_missing_quote_is_not_marked_but_card_still_shows_it() -> None:
    html, found = wv.highlight("unrelated page", QUOTE)
    assert not found and "<mark>" not in html
    card = wv.render_card(view(cite(1), chunk="unrelated", page="unrelated page"))
    assert "<mark>The maximum timeframe" in card


def test_hyphenated_line_end_matches() -> None:
    assert wv.find_quote("multi-\nagency working", "multi-agency working") is not None


# ---------------------------------------------------------------------------------- cards
def test_card_shows_title_edition_page_paragraph_duty_and_link() -> None:
    html = wv.render_card(view(cite(1)))
    for part in ("Working Together to Safeguard Children 2023", "edition 2023", "page 59",
                 "paragraph 155", "should (follow unless", "<details", "<summary>",
                 "Publication page", "Official PDF at page 59", "<mark>"):
        assert part in html, part


def test_cards_only_for_cited_markers() -> None:
    text = "In short: “…” [1]\n\nAlso [3].\n\nSources:\n[1] a\n[2] b\n[3] c"
    cites = [cite(1), cite(2, paragraph="200"), cite(3, paragraph="300")]
    html = wv.render_cards(wv.answer_body(text), [view(c) for c in cites])
    assert html.count('<details class="sg-card"') == 2
    assert "paragraph 155" in html and "paragraph 300" in html and "paragraph 200" not in html


def test_no_cards_for_uncited_answer_and_none_while_streaming() -> None:
    assert wv.render_cards("The guidance here does not answer that.", [view(cite(1))]) == ""
    ans = answer("Text [1]", [cite(1)])
    assert "sg-cards" not in wv.render_message(ans, [view(cite(1))], text="Text [")
    assert "sg-cards" in wv.render_message(ans, [view(cite(1))])


def test_briefing_card_says_unpaged_and_superseded_badge() -> None:
    html = wv.render_card(view(cite(1, page=None, paragraph=None, status="superseded")))
    assert "unpaged briefing" in html and "section “Timeliness”" in html
    assert "superseded" in html


def test_local_document_without_pages_is_not_called_a_briefing() -> None:
    html = wv.render_card(view(cite(1, page=None, local="Local procedure", edition="March 2025")))
    assert "no page numbers" in html and "Whole document<" in html and "briefing" not in html


def test_message_shows_edition_and_carry_over() -> None:
    follow = wv.follow_up("and in 2018?", "Who are the safeguarding partners?")
    html = wv.render_message(answer("x [1]", [cite(1)]), [view(cite(1))], follow)
    assert "Edition used: Working Together 2023" in html
    assert "Carried over: topic “Who are the safeguarding partners”" in html
    two = replace(answer("x [1]", [cite(1)]), edition_used="Working Together 2023, Working Together 2018")
    assert "Editions used: Working Together 2023, Working Together 2018" in wv.render_message(
        two, [view(cite(1))], follow)


# ------------------------------------------------------------------------------- follow-ups
@pytest.mark.parametrize(("question", "edition"), [
    ("and in 2018?", "in 2018"),
    ("And what about KCSIE 2024?", "KCSIE 2024"),
    ("what about the 2020 edition", "the 2020 edition"),
    ("and as at 1 May 2019?", "as at 1 May 2019"),
    ("and now?", "now"),
])
def test_follow_up_carries_topic(question: str, edition: str) -> None:
    f = wv.follow_up(question, "Who are the safeguarding partners?")
    assert f.carried and f.edition == edition
    assert f.question == f"Who are the safeguarding partners — {edition}?"
    assert f.topic == "Who are the safeguarding partners?"


@pytest.mark.parametrize("question", [
    "Who are the safeguarding partners in 2018?",
    "What is early help?",
    "and what about 2?",
    "and what does it say about neglect in 2018?",
])
def test_full_questions_are_not_follow_ups(question: str) -> None:
    f = wv.follow_up(question, "Who are the safeguarding partners?")
    assert not f.carried and f.question == question


def test_no_previous_topic_means_no_carry_over() -> None:
    assert not wv.follow_up("and in 2018?", None).carried


def test_topic_strips_edition_years_but_keeps_act_years() -> None:
    assert wv.topic_of("Who are the safeguarding partners in 2018?") == \
        "Who are the safeguarding partners?"
    assert wv.topic_of("What did Working Together 2018 say about strategy discussions?") == \
        "What did Working Together say about strategy discussions?"
    assert wv.topic_of("What is a section 47 enquiry under the Children Act 1989?") == \
        "What is a section 47 enquiry under the Children Act 1989?"


# ------------------------------------------------------------------------------ case details
@pytest.mark.parametrize(("text", "kind"), [
    ("Jane Smith disclosed something at school", "a name"),
    ("Mrs Patel is worried", "a name"),
    ("a boy called Tyler told me", "a name"),
    ("DOB 03/04/2015", "a date of birth"),
    ("she was born on 3 April 2015", "a date of birth"),
    ("they live at 12 Acacia Avenue", "an address or postcode"),
    ("postcode SW1A 1AA", "an address or postcode"),
    ("call mum on 07700 900123", "a phone number"),
    ("ring +44 20 7946 0958", "a phone number"),
    ("NHS number 943 476 5919", "an NHS number"),
    ("reference 9434765919", "an NHS number"),
    ("email j.smith@example.com", "an email address"),
    ("my pupil Amy told her teacher", "a name"),
    ("a girl aged 7 disclosed abuse", "an age"),
    ("the 14-year-old boy has been missing", "an age"),
    ("a pupil at Oakwood Primary disclosed", "a school"),
    ("she attends St Mary's Academy", "a school"),
    ("case ref CP-123456 was closed", "a case number"),
])
def test_case_details_detected(text: str, kind: str) -> None:
    assert kind in wv.case_details(text)


@pytest.mark.parametrize("text", [
    "How long can a social care assessment take from the point of referral?",
    "What does Working Together 2023 say about section 47 enquiries?",
    "When should the Designated Safeguarding Lead refer to Children's Social Care?",
    "What does KCSIE 2024 paragraph 112 say about online safety?",
    "What changed on 1 September 2025?",
    "Who are the safeguarding partners under the Children Act 2004?",
    "What are the Independent School Standards about safeguarding?",
    "Must a maintained school have a designated safeguarding lead?",
    "What should a school do if a child aged under 18 goes missing from education?",
    "Keeping Children Safe in Education: what must colleges do about filtering?",
])
def test_ordinary_questions_raise_no_warning(text: str) -> None:
    assert wv.case_details(text) == []
    assert wv.case_warning([]) == ""


def test_warning_lists_kinds_gently() -> None:
    msg = wv.case_warning(wv.case_details("Jane Smith, SW1A 1AA"))
    assert "a name or an address or postcode" in msg and "not stored" in msg


# ------------------------------------------------------------------------------ small parsers
def test_parse_as_at() -> None:
    assert wv.parse_as_at(" 2019-05-01 ") == date(2019, 5, 1)
    assert wv.parse_as_at("") is None
    with pytest.raises(QuestionError, match="YYYY-MM-DD"):
        wv.parse_as_at("May 2019")


def test_parse_auth() -> None:
    assert wv.parse_auth(None) is None and wv.parse_auth("  ") is None
    assert wv.parse_auth("ann:pw1, bob:p:w2") == [("ann", "pw1"), ("bob", "p:w2")]
    with pytest.raises(wv.ConfigError, match="user:password") as err:
        wv.parse_auth("ann:ok,bob-secret")
    assert "secret" not in str(err.value) and "\n" not in str(err.value)


# ---------------------------------------------------------------------------------- exports
def test_export_record_has_quotes_fingerprint_settings_and_time() -> None:
    unverified = cite(2, quote="not on the page", verified=False)
    ans = answer("In short: “…” [1]", [cite(1), unverified])
    when = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)
    rec = wv.answer_record("and in 2023?", "How long — in 2023?", ans, "abc123",
                           {"embed_model": "m", "top_k": 5}, when)
    assert rec["question"] == "and in 2023?" and rec["asked_as"] == "How long — in 2023?"
    assert rec["asked_at"] == "2025-10-01T09:30:00+00:00"
    assert rec["corpus_fingerprint"] == "abc123" and rec["settings"]["embed_model"] == "m"
    assert [q["marker"] for q in rec["quotes"]] == [1]
    q = rec["quotes"][0]
    assert (q["edition"], q["page"], q["paragraph"], q["quote"]) == ("2023", 59, "155", QUOTE)
    assert json.loads(wv.record_json(rec)) == rec
    md = wv.record_markdown(rec)
    for part in ("# and in 2023?", "edition 2023", "page 59", "paragraph 155", "> The maximum",
                 "corpus fingerprint: abc123", "embed_model: m", "2025-10-01T09:30:00"):
        assert part in md, part


def test_feedback_entry_keeps_question_only_when_opted_in() -> None:
    ans = answer("x [1]", [cite(1)])
    when = datetime(2025, 10, 1, tzinfo=UTC)
    without = wv.feedback_entry("down", " wrong page ", ans, None, "fp", when)
    assert "question" not in without and without["comment"] == "wrong page"
    assert without["citations"] == [{"doc_id": "working-together-2023", "page": 59,
                                     "paragraph": "155"}]
    with_q = wv.feedback_entry("up", "", ans, "Q?", "fp", when)
    assert with_q["question"] == "Q?" and with_q["rating"] == "up"


def test_reflow_joins_layout_lines_but_keeps_bullets_and_highlight() -> None:
    text = ("The lead practitioner should:\n• lead on an assessment within\n45 working days\n"
            "• see the child")
    assert wv.reflow(text) == ("The lead practitioner should:\n• lead on an assessment within "
                               "45 working days\n• see the child")
    assert wv.reflow("a multi-\nagency plan") == "a multi-agency plan"
    html = wv.render_card(view(cite(1, quote="lead on an assessment within\n45 working days"),
                               chunk=text, page=text))
    assert "<mark>lead on an assessment within 45 working days</mark>" in html


def test_abstained_answer_says_editions_searched() -> None:
    ans = Answer("q", "The guidance here does not answer that.", True, "KCSIE 2025")
    html = wv.render_message(ans, [])
    assert "Editions searched: KCSIE 2025" in html and "sg-cards" not in html


def test_word_diffs_and_citation_roles_are_rendered() -> None:
    from assistant.records import Citation
    from assistant.webview import SourceView, render_card, render_text

    html = render_text("para 135: [-fake news,-] {+misinformation <b>+} [1]")
    assert '<del class="sg-del">fake news,</del>' in html
    assert '<ins class="sg-ins">misinformation &lt;b&gt;</ins>' in html
    cite = Citation(2, "kcsie-2025", "KCSIE 2025", "2025", 38, "135", "quote text", role="supersession")
    assert "current wording" in render_card(SourceView(cite, "quote text", "quote text"))


# ------------------------------------------------------------------------------ answer first
def test_message_renders_the_body_once_with_marker_links_and_only_the_first_card_open() -> None:
    body = f"In short (2023, should): “{QUOTE}” [1]\nAlso: “Reasons for delay should be recorded.” [2]"
    text = (f"{body}\n\n[1] “{QUOTE}” — WT 2023, page 59\n[2] “Reasons for delay should be "
            "recorded.” — WT 2023, page 59\n\nNo edition was named, so this uses the edition in force today.")
    cites = [cite(1), cite(2, quote="Reasons for delay should be recorded.")]
    ans = Answer("How long?", text, False, "Working Together 2023", cites,
                 ["No edition was named, so this uses the edition in force today."], body=body)
    html = wv.render_message(ans, [view(c) for c in cites], uid="7")
    answer_part = html.split('<div class="sg-cards">')[0]
    assert answer_part.count("The maximum timeframe") == 1  # the quote once, no sources list
    assert '<a class="sg-marker" href="#sg7-src-1">[1]</a>' in answer_part
    assert '<a class="sg-marker" href="#sg7-src-2">[2]</a>' in answer_part
    assert '<li>No edition was named' in answer_part  # notices after the body, as a list
    assert '<details class="sg-card" id="sg7-src-1" open>' in html
    assert '<details class="sg-card" id="sg7-src-2">' in html
    # the card summary is compact: where, duty and check, not the quote again
    summary = html.split('id="sg7-src-2"')[1].split("</summary>")[0]
    assert "page 59" in summary and "paragraph 155" in summary and "Reasons for delay" not in summary


def test_streamed_parts_are_prefixes_of_the_body_not_the_sources() -> None:
    ans = Answer("q", "Body [1]\n\n[1] “quote” — somewhere", False, "WT 2023", [cite(1)],
                 body="Body [1]")
    parts = wv.stream_parts(ans, 3)
    assert parts[-1] == "Body [1]" and all("somewhere" not in p for p in parts)
    # without a body field (older answers), the text before the sources block is used
    old = Answer("q", "Old body [1]\nSources:\n[1] x", False, "WT 2023", [cite(1)])
    assert wv.body_of(old) == "Old body [1]"


def test_card_links_to_the_official_pdf_at_the_page_and_shows_a_page_image() -> None:
    assert wv.pdf_page_url("https://x.gov.uk/a.pdf", 59) == "https://x.gov.uk/a.pdf#page=59"
    assert wv.pdf_page_url("https://x.gov.uk/a.pdf#page=3", 59) == "https://x.gov.uk/a.pdf#page=59"
    v = wv.SourceView(cite(1), PAGE, PAGE, "", "https://x.gov.uk/a.pdf", "/page.png?x=1&y=2",
                      (833, 1179), "This edition has been superseded.")
    html = wv.render_card(v)
    assert 'href="https://x.gov.uk/a.pdf#page=59"' in html and "(opens in a new tab)" in html
    assert '<img class="sg-page-img" src="/page.png?x=1&amp;y=2"' in html
    assert 'width="833" height="1179" loading="lazy"' in html
    assert 'loading="eager"' in wv.render_card(v, open_=True)
    assert 'alt="Page 59 of Working Together' in html
    assert "This edition has been superseded." in html


def test_card_context_is_cut_around_the_quote() -> None:
    text = "a " * 400 + QUOTE + " b" * 400
    out = wv.excerpt(text, QUOTE, around=50)
    assert out.startswith("… a") and out.endswith("b …") and QUOTE in out and len(out) < 400
    assert wv.excerpt("short " + QUOTE, QUOTE) == "short " + QUOTE


def test_compare_view_diff_both_sides_and_folded_minor_changes() -> None:
    old_c = cite(1, quote="old words", role="old", edition="2024")
    new_c = cite(2, quote="new words", role="new", edition="2025")
    change = wv.ChangeView("changed", "para 135, p.38", "para 135, p.39",
                           (("equal", "children may see"), ("delete", "fake news"),
                            ("insert", "misinformation <b>")), old_cite=old_c, new_cite=new_c,
                           new_pdf="https://x.gov.uk/k.pdf")
    minor = wv.ChangeView("changed", "para 9, p.3", "para 9, p.3", (("delete", ","),))
    html = wv.render_comparison("KCSIE 2024", "KCSIE 2025", "misinformation", [change], [minor], 3,
                                ["Also 4 paragraph(s) renumbered."])
    assert '<del class="sg-del">fake news</del>' in html
    assert '<ins class="sg-ins">misinformation &lt;b&gt;</ins>' in html
    assert "KCSIE 2024: para 135, p.38 · ✓ quote checked" in html
    assert 'href="https://x.gov.uk/k.pdf#page=59"' in html  # the cited page of the new side
    assert "1 of 3 substantive change(s)" in html
    assert '<details class="sg-minor"><summary>Show 1 minor change(s)' in html


def test_a_citation_used_only_in_a_notice_gets_a_linked_marker_and_a_card() -> None:
    ans = Answer("q", "x", False, "KCSIE 2024", [cite(1), cite(2, role="supersession")],
                 ["KCSIE 2024 is now superseded: KCSIE 2025 (current) keeps it [2]."], body="Quote [1]")
    html = wv.render_message(ans, [view(cite(1)), view(cite(2, role="supersession"))], uid="3")
    assert '<a class="sg-marker" href="#sg3-src-2">[2]</a>' in html.split('class="sg-cards"')[0]
    assert 'id="sg3-src-2"' in html and "current wording" in html


def test_case_details_can_be_removed_before_sending() -> None:
    text = ("My pupil Amy, aged 7, at Oakwood Primary said Mr Jones hit her; DOB 03/04/2018, "
            "SW1A 1AA, case ref CP-123456. What should the school do?")
    out = wv.remove_case_details(text)
    assert wv.case_details(out) == [], out
    for gone in ("Amy", "aged 7", "Oakwood", "Jones", "03/04/2018", "SW1A", "123456"):
        assert gone not in out, (gone, out)
    assert out.endswith("What should the school do?")
    plain = "What should a maintained school do if a child aged under 18 goes missing?"
    assert wv.remove_case_details(plain) == plain
