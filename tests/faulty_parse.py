"""A parser with planted faults, for the ingest's fault tests. It lives in its own module so the
parse workers (forked from a fork server, not from the test process) can import it by name."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.settings import Settings
from corpus.manifest import Document
from ingest.pipeline import parse_document as real_parse_document
from ingest.records import Chunk, Page


def parse_document(doc: Document, path: Path, settings: Settings) -> tuple[list[Page], list[Chunk]]:
    if path.name == "hang.pdf":
        time.sleep(600)  # a parser stuck in a loop
    if path.name == "boom.pdf":
        raise RuntimeError("parser bug")  # not one of pypdf's error types
    return real_parse_document(doc, path, settings)
