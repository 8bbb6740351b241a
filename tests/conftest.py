"""Shared fixtures: fake models for unit tests, a network guard, tiny PDFs, the real corpus."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.settings import PROJECT_ROOT, Settings
from assistant.text import tokens

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REAL_CORPUS = Settings().corpus


class FakeEmbedder:
    """Deterministic bag-of-stems vectors: similar words give similar vectors. Unit tests only."""

    name = "fake"
    dim = 256

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.texts = 0
        self.fail_after = fail_after

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt("simulated stop in the middle of an ingest")
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in tokens(text) or ["empty"]:
                out[i, int(hashlib.md5(tok.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[i] /= np.linalg.norm(out[i]) or 1.0
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to loopback only."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")
                                          or self.family == socket.AF_UNIX):
            raise RuntimeError(f"network access blocked in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Write a small valid PDF whose pages hold the given text lines (Helvetica)."""
    objs: list[bytes] = []
    kids = []
    font_id = 3 + 2 * len(pages)
    for n, lines in enumerate(pages):
        page_id, content_id = 3 + 2 * n, 4 + 2 * n
        kids.append(f"{page_id} 0 R")
        ops = ["BT", "/F1 11 Tf", "14 TL", "60 780 Td"]
        for line in lines:
            safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({safe}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R "
                    f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    head = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()]
    return write_pdf(path, head + objs + [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def write_pdf(path: Path, body: list[bytes]) -> Path:
    """Write PDF objects 1..n (object 1 the catalog) with their cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(body) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(body) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


@pytest.fixture(scope="session")
def real_settings() -> Settings:
    if not (REAL_CORPUS / "working-together-2023.pdf").is_file():
        pytest.skip(f"real corpus not found at {REAL_CORPUS}")
    # One test index for every run, whatever SAFEGUIDE_HOME or SAFEGUIDE_CHROMA_URL say.
    home = Path(os.environ.get("SAFEGUIDE_TEST_HOME", PROJECT_ROOT / ".test-home"))
    return Settings(home=home, corpus=REAL_CORPUS, chroma_url=None)


@pytest.fixture(scope="session")
def real_index(real_settings: Settings) -> Settings:
    """Sync and ingest the real corpus once per session (re-runs reuse the unchanged index)."""
    from corpus.manifest import load_manifest
    from corpus.sync import sync
    from ingest.embed import SentenceTransformerEmbedder
    from ingest.pipeline import run_ingest

    manifest = load_manifest()
    sync(manifest, real_settings.corpus, real_settings.corpus_dir)
    report = run_ingest(real_settings, manifest, SentenceTransformerEmbedder(real_settings.embed_model))
    assert not report.failed, report.failed
    return real_settings


@pytest.fixture(scope="session")
def real_assistant(real_index: Settings):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    return Assistant(real_index)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def web_assistant(real_assistant):  # type: ignore[no-untyped-def]
    """The web tests' Assistant: the one test index (never the user's SAFEGUIDE_HOME)."""
    return real_assistant


class FakeChat:
    """A scripted chat model for the written-answer plumbing: `reply(user_prompt)` gives the text,
    streamed back in small pieces. Records every prompt it saw."""

    def __init__(self, reply: object) -> None:
        self.reply = reply
        self.prompts: list[str] = []

    def stream(self, messages: list[dict[str, str]]):  # type: ignore[no-untyped-def]
        prompt = messages[-1]["content"]
        self.prompts.append(prompt)
        text = self.reply(prompt) if callable(self.reply) else str(self.reply)
        for i in range(0, len(text), 7):
            yield text[i : i + 7]


def source_number(prompt: str, needle: str) -> int:
    """The n of the 'Source [n]:' block in `prompt` that contains `needle` (0 when none does)."""
    import re

    for block in prompt.split("\n\n"):
        m = re.match(r"Source \[(\d+)\]:", block)
        if m and needle in block:
            return int(m.group(1))
    return 0


TINY_PAGES = [
    ["Chapter 3: Assessment", "1. Assessments should be child centred and holistic.",
     "2. The maximum timeframe for the assessment to conclude should be no longer than",
     "45 working days from the point of referral. Reasons for delay should be recorded."],
    ["3. The local authority must notify Ofsted of a serious incident within five working days.",
     "4. Safeguarding partners are the local authority, the police and the integrated care board."],
]


def fake_index(home: Path, pages: list[list[str]], doc_id: str = "working-together-2023",
               title: str = "WT 2023 test", file: str = "wt.pdf",
               **settings: Any) -> tuple[Settings, Any, FakeEmbedder]:
    """One fake statutory document (its series and edition from `doc_id`) made from `pages`,
    indexed with the fake embedder; abstention on word coverage only (the calibrated weights suit
    the real model, not the fake). Returns (settings, manifest, embedder)."""
    from corpus.manifest import Document, Manifest, load_manifest
    from corpus.sync import sha256_of
    from ingest.pipeline import run_ingest

    conf = Settings(home=home, abstain_threshold=0.5, abstain_weights={"bias": -3.0, "best": 15.0},
                    **settings)
    src = conf.corpus_dir
    src.mkdir(parents=True)
    make_pdf(src / file, pages)
    base = load_manifest()
    series, edition = doc_id.rsplit("-", 1)
    doc = Document(id=doc_id, file=file, title=title, series=series, edition=edition,
                   kind="statutory-guidance", status="in-force", numbered_paragraphs=True,
                   sha256=sha256_of(src / file))
    manifest = Manifest(series=base.series, editions=base.editions, documents=[doc])
    emb = FakeEmbedder()
    run_ingest(conf, manifest, emb)
    return conf, manifest, emb


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An Assistant over a two-page fake Working Together, with the fake embedder."""
    from assistant.service import Assistant

    settings, manifest, emb = fake_index(tmp_path_factory.mktemp("tiny") / "home", TINY_PAGES)
    return Assistant(settings, manifest=manifest, embedder=emb)


@pytest.fixture(scope="module")
def tiny_local(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """`tiny`'s fake Working Together plus a local procedure (Northshire, DOCX) added beside it."""
    from assistant.service import Assistant
    from ingest.local import add_document
    from tests.localdocs import PUBLISHER, make_docx

    root = tmp_path_factory.mktemp("tiny-local")
    settings, manifest, emb = fake_index(root / "home", TINY_PAGES, local_beside_threshold=0.5)
    add_document(settings, emb, make_docx(root / "northshire.docx"), publisher=PUBLISHER)
    return Assistant(settings, manifest=manifest, embedder=emb)
