"""Done-when for local documents, on the real pipeline: a local procedure built as DOCX, HTML and
PDF is added to a copy of the real-corpus index, answers beside the national guidance with a local
citation to its section (and page), and is gone once removed."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.local import add_document, remove_document
from tests.localdocs import FACT, PUBLISHER, TITLE, make_docx, make_html, make_local_pdf

pytestmark = [pytest.mark.integration, pytest.mark.slow]
QUESTION = "How quickly is a strategy discussion held in Northshire?"
MAKERS: dict[str, Callable[[Path], Path]] = {"docx": make_docx, "html": make_html, "pdf": make_local_pdf}


def copy_home(settings: Settings, target: Path) -> Settings:
    """The test index copied (Chroma's database through SQLite's backup API), so adding and removing
    documents never changes the shared one."""
    copy = settings.model_copy(update={"home": target})
    shutil.copytree(settings.index_dir, copy.index_dir, ignore=shutil.ignore_patterns(".ingest.lock"))
    copy.chroma_dir.mkdir(parents=True)
    for sub in settings.chroma_dir.iterdir():
        if sub.is_dir():
            shutil.copytree(sub, copy.chroma_dir / sub.name)
    src = sqlite3.connect(f"file:{settings.chroma_dir / 'chroma.sqlite3'}?mode=ro", uri=True)
    dst = sqlite3.connect(copy.chroma_dir / "chroma.sqlite3")
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return copy


@pytest.fixture(scope="module")
def local_assistant(real_index: Settings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    return Assistant(copy_home(real_index, tmp_path_factory.mktemp("local-real") / "home"))


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_added_procedure_answers_beside_national_guidance_then_goes(
        local_assistant, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    settings = local_assistant.settings
    before = local_assistant.ask(QUESTION)
    assert FACT not in before.text
    path = MAKERS[fmt](tmp_path / f"northshire-referral.{fmt}")
    added = add_document(settings, local_assistant.embedder, path, title=TITLE, publisher=PUBLISHER,
                         published=date(2025, 3, 14))
    assert added.status == "added"

    ans = local_assistant.ask(QUESTION)
    assert not ans.abstained and FACT in ans.text
    local = [c for c in ans.citations if c.local]
    assert len(local) == 1 and local[0].verified and local[0].paragraph == "4.2"
    where = ("Local procedure: Northshire Safeguarding Children Partnership, Referral and assessment, "
             "§4.2, " + ("page 2, " if fmt == "pdf" else "") + "March 2025")
    assert local[0].where() == where and where in ans.text
    national = [c for c in ans.citations if not c.local]
    assert national and all(c.verified for c in national)  # beside the national guidance, first
    assert max(c.marker for c in national) < local[0].marker
    assert ans.text.index("Your local documents:") > ans.text.index(f"[{national[0].marker}]")

    remove_document(settings, added.doc.id)
    after = local_assistant.ask(QUESTION)
    assert FACT not in after.text and not any(c.local for c in after.citations)
    assert local_assistant.ask(QUESTION, source="local").abstained
