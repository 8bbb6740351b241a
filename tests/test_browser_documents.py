"""The web chat's Documents panel in headless Debian Chromium: an administrator (SAFEGUIDE_ADMINS)
adds and removes a local document, each row showing its index state; the Search control (national,
local or both) appears while a local document is held and scopes the answer; another signed-in user
only sees the list. The app runs over the two-page fake Working Together (`tiny`, fake embedder), so
no real index is needed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import SafeguideError
from tests.conftest import free_port
from tests.localdocs import make_docx
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ask

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")]
USERS = [("ann", "ann-long-password"), ("raj", "raj-long-password")]


@pytest.fixture(scope="module")
def docs_server(tiny: Any) -> Iterator[tuple[str, Any]]:
    import app

    settings = tiny.settings.model_copy(update={"admins": "ann"})
    demo = app.build_app(tiny, settings)
    url = app.launch(demo, "127.0.0.1", free_port(), auth=USERS, block=False)
    yield url, demo.sg_service
    demo.close()


def _signed_in(pw: Any, url: str, user: str, password: str) -> Any:
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.set_default_timeout(TIMEOUT_MS)
    response = page.request.post(f"{url}login", form={"username": user, "password": password})
    assert response.ok, response.status
    page.goto(url)
    page.get_by_text("Documents", exact=True).click()
    page.locator("#sg-docs-list table").wait_for()
    return page


def test_admin_adds_and_removes_a_document(docs_server: tuple[str, Any], tmp_path: Path) -> None:
    pw_api = pytest.importorskip("playwright.sync_api")
    url, _ = docs_server
    path = make_docx(tmp_path / "northshire-referral.docx")
    with pw_api.sync_playwright() as pw:
        page = _signed_in(pw, url, *USERS[0])
        listing = page.locator("#sg-docs-list")
        assert "working-together-2023" in listing.inner_text()
        assert "You can add and remove local documents" in listing.inner_text()
        assert not page.locator("#sg-source").is_visible()  # nothing local held yet
        page.locator("#sg-doc-file input[type=file]").set_input_files(str(path))
        page.locator("#sg-doc-publisher textarea, #sg-doc-publisher input").first.fill(
            "Northshire Safeguarding Children Partnership")
        page.locator("#sg-doc-date textarea, #sg-doc-date input").first.fill("2025-03-14")
        page.locator("#sg-doc-add").click()
        page.locator("#sg-doc-msg").get_by_text("Added:").wait_for()
        assert "Referral and assessment" in listing.inner_text()
        row = listing.locator("tr.sg-doc-local")
        doc_id = row.locator("td").last.inner_text().strip()
        assert doc_id.startswith("local-referral-and-assessment-") and "March 2025" in row.inner_text()
        assert listing.locator("th").nth(6).inner_text() == "State"
        assert [t.strip() for t in listing.locator("td.sg-state strong").all_inner_texts()] == [
            "indexed", "indexed"]  # the national document and the local one
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#sg-docs").screenshot(path=str(ARTIFACTS / "documents-panel-admin.png"))
        _search_local_only(page)
        page.locator("#sg-doc-id textarea, #sg-doc-id input").first.fill(doc_id)
        page.locator("#sg-doc-remove").click()
        page.locator("#sg-doc-msg").get_by_text("Removed:").wait_for()
        assert "Referral and assessment" not in listing.inner_text()
        page.locator("#sg-source").wait_for(state="hidden")  # nothing local held: hidden again
        page.context.browser.close()


def _search_local_only(page: Any) -> None:
    """The Search control shows once a local document is held; "Local documents only" answers
    from it alone."""
    page.locator("#sg-source").wait_for(state="visible")
    page.locator("#sg-source input").click()
    page.get_by_role("option", name="Local documents only").click()
    page.wait_for_function("() => document.querySelector('#sg-source input').value "
                           "=== 'Local documents only'")
    answer, _, _ = ask(page, "How quickly is a strategy discussion held in Northshire?")
    page.screenshot(path=str(ARTIFACTS / "search-local-only.png"), full_page=False)
    text = answer.inner_text()
    assert "within 2 working days" in text, text
    assert "Working Together" not in answer.locator(".sg-answer").inner_text()


def test_non_admin_only_sees_the_list(docs_server: tuple[str, Any], tmp_path: Path) -> None:
    pw_api = pytest.importorskip("playwright.sync_api")
    url, svc = docs_server
    with pw_api.sync_playwright() as pw:
        page = _signed_in(pw, url, *USERS[1])
        listing = page.locator("#sg-docs-list")
        assert "working-together-2023" in listing.inner_text()
        assert "Only administrators" in listing.inner_text()
        assert page.locator("#sg-doc-add").count() == 0 or not page.locator("#sg-doc-add").is_visible()
        assert page.locator("#sg-doc-file input[type=file]").count() == 0 or not page.locator(
            "#sg-doc-file").is_visible()
        page.locator("#sg-docs").screenshot(path=str(ARTIFACTS / "documents-panel-user.png"))
        page.context.browser.close()
    # the server refuses too, whatever the page shows
    with pytest.raises(SafeguideError, match="Only administrators"):
        svc.add_document("raj", str(make_docx(tmp_path / "p.docx")), "", "", "", "local-procedure")
    with pytest.raises(SafeguideError, match="Only administrators"):
        svc.remove_document(None, "local-anything")
