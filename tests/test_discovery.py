"""How `ask` finds a running `serve` (assistant/discovery.py): only a live server for the same home,
settings and code is used; stale or foreign records are ignored."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import discovery
from assistant.settings import Settings

URL = "http://127.0.0.1:7999/"


def ended_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


def test_a_server_announced_for_this_home_and_settings_is_found(settings: Settings) -> None:
    path = discovery.announce(settings, URL, login=False)
    found = discovery.find_server(settings)
    assert found == discovery.ServerRecord(os.getpid(), URL, str(settings.home.resolve()),
                                           discovery.fingerprint(settings), False)
    assert path.parent == settings.home / "run" and path.stat().st_mode & 0o077 == 0  # owner only


def test_no_run_folder_means_no_server(settings: Settings) -> None:
    assert discovery.find_server(settings) is None


def test_a_record_whose_process_has_ended_is_ignored_and_swept_by_the_next_server(
        settings: Settings) -> None:
    pid = ended_pid()
    folder = discovery.run_dir(settings)
    folder.mkdir(parents=True)
    stale = folder / f"serve-{pid}.json"
    stale.write_text(json.dumps({"pid": pid, "url": URL, "home": str(settings.home.resolve()),
                                 "fingerprint": discovery.fingerprint(settings), "login": False}))
    assert discovery.find_server(settings) is None
    discovery.announce(settings, URL, login=False)  # a new server removes the stale record
    assert not stale.exists()


def test_a_record_copied_with_its_home_is_ignored_in_the_copy(settings: Settings, tmp_path: Path) -> None:
    discovery.announce(settings, URL, login=False)
    copy = Settings(home=tmp_path / "copy")
    shutil.copytree(settings.home, copy.home)  # `cp -a` of a home while its server runs
    assert discovery.find_server(copy) is None
    assert discovery.find_server(settings) is not None


def test_a_server_with_other_answer_settings_is_ignored(settings: Settings) -> None:
    discovery.announce(settings, URL, login=False)
    assert discovery.find_server(settings.model_copy(update={"top_k": 7})) is None
    assert discovery.find_server(settings.model_copy(update={"generator": "ollama"})) is None
    # who may log in does not change an answer
    assert discovery.find_server(settings.model_copy(update={"auth": "ann:long-password"})) is not None


def test_unreadable_records_are_ignored(settings: Settings) -> None:
    folder = discovery.run_dir(settings)
    folder.mkdir(parents=True)
    (folder / "serve-1.json").write_text("{not json")
    (folder / "serve-2.json").write_text(json.dumps({"pid": os.getpid()}))
    assert discovery.find_server(settings) is None


def test_the_record_lasts_as_long_as_the_block(settings: Settings) -> None:
    with discovery.announced(settings, URL, login=True) as path:
        assert path.is_file() and discovery.find_server(settings) is not None
    assert not path.exists() and discovery.find_server(settings) is None


def test_the_code_stamp_changes_when_a_source_file_changes(tmp_path: Path) -> None:
    for folder in discovery.CODE_DIRS:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.py").write_text("x = 1\n")
    before = discovery.code_stamp(tmp_path)
    assert discovery.code_stamp(tmp_path) == before
    (tmp_path / "ingest" / "a.py").write_text("x = 22\n")
    assert discovery.code_stamp(tmp_path) != before
