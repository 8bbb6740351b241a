"""How `safeguide ask` finds a running `safeguide serve` for the same data directory.

Once it answers, `serve` writes `<SAFEGUIDE_HOME>/run/serve-<pid>.json`: its address, pid and home,
whether it asks for a login, and a fingerprint of everything that shapes an answer (the settings
other than the login ones, and the code it runs). It deletes the file when it stops. `find_server`
takes the first record whose process is alive, whose home is this one and whose fingerprint is
this process's own; any other record (a dead pid, a home copied with `cp -a`, other settings, code
edited since the server started) is ignored, so an answer from the server is the answer this
process would give. Standard library and settings only: no model, no index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)
RUN_DIR = "run"
PREFIX = "serve-"
NOT_ANSWER_SHAPING = {"home", "auth", "admins"}  # who may log in does not change an answer
CODE_DIRS = ("assistant", "corpus", "ingest")  # the code and data an answer comes from


@dataclass(frozen=True)
class ServerRecord:
    pid: int
    url: str
    home: str
    fingerprint: str
    login: bool


def run_dir(settings: Settings) -> Path:
    return settings.home / RUN_DIR


def code_stamp(root: Path = PROJECT_ROOT) -> str:
    """Name, size and modification time of every file the answer code is made of."""
    digest = hashlib.sha256(str(root.resolve()).encode())
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                st = path.stat()
                digest.update(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def fingerprint(settings: Settings) -> str:
    """Equal for two processes that would give the same answer to the same question."""
    shaping = settings.model_dump(mode="json", exclude=NOT_ANSWER_SHAPING)
    shaping["code"] = code_stamp()
    return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:24]


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name != "posix":  # signal 0 is a probe on POSIX only; elsewhere a dead server fails to connect
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def _read(path: Path) -> ServerRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServerRecord(int(data["pid"]), str(data["url"]), str(data["home"]),
                            str(data["fingerprint"]), bool(data["login"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.debug("ignoring server record %s: %s", path, exc)
        return None


def _records(settings: Settings) -> Iterator[tuple[Path, ServerRecord]]:
    folder = run_dir(settings)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(f"{PREFIX}*.json")):
        record = _read(path)
        if record is not None:
            yield path, record


def find_server(settings: Settings) -> ServerRecord | None:
    """A live server for this home that answers as this process would, or None."""
    home = str(settings.home.resolve())
    live = []
    for path, record in _records(settings):
        if not pid_alive(record.pid):
            log.debug("ignoring %s: process %d has ended", path.name, record.pid)
        elif record.home != home:
            log.debug("ignoring %s: it serves %s", path.name, record.home)
        else:
            live.append(record)
    if not live:
        return None
    mine = fingerprint(settings)
    for record in live:
        if record.fingerprint == mine:
            return record
        log.info("a server runs at %s with other settings or code: answering here", record.url)
    return None


def announce(settings: Settings, url: str, login: bool) -> Path:
    """Write this process's record (readable by its user only); sweep records of ended servers."""
    folder = run_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for path, record in _records(settings):
        if not pid_alive(record.pid):
            path.unlink(missing_ok=True)
    record = ServerRecord(os.getpid(), url, str(settings.home.resolve()), fingerprint(settings), login)
    path = folder / f"{PREFIX}{record.pid}.json"
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(asdict(record), out)
    os.replace(tmp, path)
    return path


@contextmanager
def announced(settings: Settings, url: str, login: bool) -> Iterator[Path]:
    """The record exists for as long as the block runs."""
    path = announce(settings, url, login)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
