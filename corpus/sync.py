"""Put the corpus files in place under SAFEGUIDE_HOME, checking each sha256."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

from assistant.errors import CorpusError
from corpus.manifest import Document, Manifest

log = logging.getLogger(__name__)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_source(doc: Document, source: Path) -> Path:
    path = source / doc.file
    if not path.is_file():
        raise CorpusError(
            f"{doc.id}: {path} is missing. Put the file there or point --from/SAFEGUIDE_CORPUS "
            "at a folder that holds the whole corpus."
        )
    digest = sha256_of(path)
    if digest != doc.sha256:
        raise CorpusError(
            f"{doc.id}: {path} does not match the manifest (sha256 {digest[:12]}…, expected "
            f"{doc.sha256[:12]}…). Replace it with the official file; nothing was changed."
        )
    return path


def _download(doc: Document, staging: Path) -> Path:
    if not doc.download_url:
        raise CorpusError(
            f"{doc.id}: no download address is recorded; save it from the publication page "
            "into a folder and run `safeguide corpus sync --from FOLDER`."
        )
    target = staging / doc.file
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(doc.download_url, timeout=60) as resp, target.open("wb") as fh:
            shutil.copyfileobj(resp, fh)
    except OSError as exc:
        raise CorpusError(f"{doc.id}: download failed ({exc}); try --from FOLDER.") from exc
    return target


def sync(manifest: Manifest, source: Path | str, dest: Path) -> list[str]:
    """Copy every manifest file from `source` (a folder, or "official") into `dest`.

    All files are checked before any is written, so a missing or altered file changes nothing.
    Returns the ids of documents whose file was (re)written.
    """
    with tempfile.TemporaryDirectory(prefix="safeguide-sync-") as tmp:
        staging = Path(tmp)
        if str(source) == "official":
            for d in manifest.documents:
                _download(d, staging)
            found = _check_all(manifest, staging)
        else:
            src = Path(source).expanduser()
            if not src.is_dir():
                raise CorpusError(
                    f"Corpus folder {src} does not exist. Pass --from FOLDER or set SAFEGUIDE_CORPUS."
                )
            found = _check_all(manifest, src)
        return _install(manifest, found, dest)


def _check_all(manifest: Manifest, source: Path) -> dict[str, Path]:
    """Every file checked, and every bad one named (one line each), before anything is written."""
    found: dict[str, Path] = {}
    problems: list[str] = []
    for doc in manifest.documents:
        try:
            found[doc.id] = _check_source(doc, source)
        except CorpusError as exc:
            problems.append(str(exc))
    if len(problems) == 1:
        raise CorpusError(problems[0])
    if problems:
        raise CorpusError(f"{len(problems)} of {len(manifest.documents)} corpus files cannot be used; "
                          "nothing was changed:\n" + "\n".join(f"  {p}" for p in problems))
    return found


def _install(manifest: Manifest, found: dict[str, Path], dest: Path) -> list[str]:
    written = []
    for doc in manifest.documents:
        target = dest / doc.file
        if target.is_file() and sha256_of(target) == doc.sha256:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".sync-")
        os.close(fd)
        shutil.copyfile(found[doc.id], tmp_name)
        os.replace(tmp_name, target)
        written.append(doc.id)
    log.info("corpus sync: %d written, %d already in place", len(written),
             len(manifest.documents) - len(written))
    return written


def synced_path(doc: Document, dest: Path) -> Path:
    """The synced copy of a document; raises CorpusError when it is not there."""
    path = dest / doc.file
    if not path.is_file():
        raise CorpusError(f"{doc.id} is not synced to {dest}: run `safeguide corpus sync`.")
    return path
