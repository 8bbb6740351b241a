"""The web chat in headless Debian Chromium (playwright's Python API; it never downloads a browser).

Needs /usr/bin/chromium (`apt-get install -y chromium chromium-driver`); skipped without it.
Prints the warm time from pressing Enter to the first streamed text and to the complete answer.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
TIMEOUT_MS = 60_000
SCROLL_TO_TOP = """el => {
    const box = el.closest('[role=log]');
    const want = Math.round(el.getBoundingClientRect().top - box.getBoundingClientRect().top
                            + box.scrollTop - 60);
    box.scrollTop = want;
    return new Promise(ok => setTimeout(() => ok(Math.abs(box.scrollTop - want) < 5), 300));
}"""

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")]


@pytest.fixture(scope="module")
def app_server(web_assistant: Any,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    import app

    app.warm(web_assistant)
    home = tmp_path_factory.mktemp("web-home")  # feedback goes here, not to the real home
    settings = web_assistant.settings.model_copy(update={"home": home})
    demo = app.build_app(web_assistant, settings)
    url = app.launch(demo, "127.0.0.1", free_port(), block=False)
    yield url, home
    demo.close()


@pytest.fixture
def page(app_server: tuple[str, Path]) -> Iterator[Any]:
    pw_api = pytest.importorskip("playwright.sync_api")
    with pw_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        pg = browser.new_page(viewport={"width": 1280, "height": 1600})
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(app_server[0])
        pg.locator("#sg-question textarea").wait_for()
        yield pg
        browser.close()


def ask(pg: Any, question: str) -> tuple[Any, float, float]:
    """Type and press Enter; return the new answer and seconds to first text and to the end."""
    before = pg.locator("#sg-chat .sg-msg").count()
    box = pg.locator("#sg-question textarea")
    box.fill(question)
    t0 = time.perf_counter()
    box.press("Enter")
    pg.wait_for_function(
        "n => document.querySelectorAll('#sg-chat .sg-msg').length > n "
        "&& (document.querySelectorAll('#sg-chat .sg-msg')[n].querySelector('.sg-answer')"
        "    ?.textContent.trim().length > 0 "
        "    || document.querySelectorAll('#sg-chat .sg-msg')[n].classList.contains('sg-error'))",
        arg=before, polling=10)
    first = time.perf_counter() - t0
    pg.wait_for_function(
        "n => { const m = document.querySelectorAll('#sg-chat .sg-msg')[n]; "
        "return m && (m.querySelector('.sg-cards') || m.classList.contains('sg-error') "
        "|| /does not answer/.test(m.textContent)); }", arg=before, polling=10)
    full = time.perf_counter() - t0
    return pg.locator("#sg-chat .sg-msg").nth(before), first, full


def choose_edition(pg: Any, label: str) -> None:
    pg.locator("#sg-edition input").click()
    pg.get_by_role("option", name=re.compile(re.escape(label))).first.click()
    pg.wait_for_function(
        "l => document.querySelector('#sg-edition input').value.startsWith(l)", arg=label)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_chat_in_browser(page: Any, app_server: tuple[str, Path], web_assistant: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert "call 999" in page.locator("#sg-safety").inner_text()

    # 1. a cited answer with source cards, timed once the page itself is warm
    ask(page, "What is early help?")
    question = "How long can a social care assessment take from the point of referral?"
    answer, first, full = ask(page, question)
    t0 = time.perf_counter()
    web_assistant.ask(question)
    server = time.perf_counter() - t0
    print(f"\nbrowser timings (warm): first streamed text {first * 1000:.0f} ms, complete answer "
          f"{full * 1000:.0f} ms (Assistant.ask alone: {server * 1000:.0f} ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    text = answer.locator(".sg-answer").inner_text()
    assert "[1]" in text and "45 working days" in text
    page_no = re.search(r"\[1\][^\n]*?page (\d+)", text)
    assert page_no, text
    card = answer.locator(".sg-card").first
    meta = squash(card.locator("summary").inner_text())
    for part in ("[1]", "Working Together", "2023", f"page {page_no.group(1)}"):
        assert part in meta, (part, meta)
    assert "paragraph" in meta or "section" in meta, meta
    assert any("page 59" in squash(c.inner_text()) for c in answer.locator(".sg-card").all())

    # 2. open the card: the whole page, with the quote highlighted in it
    assert not card.locator(".sg-page-text").is_visible()
    card.locator("summary").click()
    page_text = card.locator(".sg-page-text")
    page_text.wait_for(state="visible")
    marked = squash(page_text.locator("mark").inner_text())
    assert len(marked) > 20 and marked in squash(page_text.inner_text())
    assert marked in squash(card.locator(".sg-card-chunk mark").inner_text())
    assert "gov.uk" in (card.locator("a.sg-link").get_attribute("href") or "")
    ARTIFACTS.mkdir(exist_ok=True)
    for _ in range(5):  # the chat autoscrolls to the bottom for a moment after an answer
        page.wait_for_timeout(300)
        if answer.evaluate(SCROLL_TO_TOP):
            break
    page.screenshot(path=str(ARTIFACTS / "chat.png"))

    # 3. an older edition chosen in the edition control
    choose_edition(page, "Working Together 2018")
    answer, _, _ = ask(page, "Who are the safeguarding partners?")
    whole = answer.text_content() or ""
    assert "Working Together 2018" in whole
    assert "clinical commissioning" in whole.lower()

    # 4. markup in a question is shown as text and never runs
    choose_edition(page, "Current")
    answer, _, _ = ask(page, "What is early help? <script>alert(1)</script>")
    user = page.locator("#sg-chat .sg-q").last
    assert "<script>alert(1)</script>" in user.inner_text()
    assert page.locator("#sg-chat script").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []

    # 5. export the answer record and leave feedback (the question is not stored by default)
    page.locator("#sg-actions").get_by_text("Copy, export, feedback").click()
    copied = page.locator("#sg-copy textarea").input_value()
    assert copied.startswith("Question: What is early help? <script>") and "call 999" in copied
    page.locator("#sg-export-json").click()
    link = page.locator("#sg-export a").first
    link.wait_for()
    assert ".json" in (link.get_attribute("href") or "")
    page.locator("#sg-comment textarea").fill("clear answer")
    page.locator("#sg-up").click()
    page.get_by_text("feedback saved (without your question)").wait_for()
    entry = json.loads((app_server[1] / "feedback.jsonl").read_text().splitlines()[-1])
    assert entry["rating"] == "up" and entry["comment"] == "clear answer"
    assert "question" not in entry and "alert" not in json.dumps(entry)


def test_comparison_and_notices_in_browser(page: Any) -> None:
    answer, _, _ = ask(page, "What changed in KCSIE 2025 about misinformation?")
    assert answer.locator(".sg-answer ins.sg-ins").count() > 0
    assert answer.locator(".sg-answer del.sg-del").count() > 0
    roles = answer.locator(".sg-card .sg-role").all_inner_texts()
    assert "older edition" in roles and "newer edition" in roles
    ARTIFACTS.mkdir(exist_ok=True)
    answer.scroll_into_view_if_needed()
    answer.screenshot(path=str(ARTIFACTS / "comparison.png"))
    later, _, _ = ask(page, "What online content risks did KCSIE 2024 list, such as fake news?")
    assert "now superseded: KCSIE 2025 (current)" in squash(later.locator(".sg-answer").inner_text())
    assert "current wording" in later.locator(".sg-card .sg-role").all_inner_texts()
