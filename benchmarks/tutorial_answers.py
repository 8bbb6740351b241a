"""The tutorial recipe's answers to the golden questions, as an `eval --answers` file.

The recipe of `benchmarks/bench.py`: pypdf page text, 1000-character chunks (200 overlap), the
same MiniLM model, Chroma top-5 cosine search. It has no answer writer, so its "answer" is its
top `quotes` chunks, each cited by document and page with the chunk text as the quote; it never
abstains and has no notion of editions (it searches every document).

    safeguide eval --export-questions questions.jsonl
    python -m benchmarks.tutorial_answers questions.jsonl tutorial.jsonl
    safeguide eval --answers safeguide.jsonl --answers tutorial.jsonl --report side-by-side.md
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from corpus.manifest import load_manifest
from ingest.embed import SentenceTransformerEmbedder

log = logging.getLogger(__name__)
CHUNK, STEP = 1000, 800


def tutorial_chunks(settings: Settings) -> tuple[list[str], list[Any]]:
    from pypdf import PdfReader

    texts: list[str] = []
    metas: list[Any] = []
    for doc in load_manifest().documents:
        path = settings.corpus_dir / doc.file
        pages = ([(i + 1, p.extract_text() or "") for i, p in enumerate(PdfReader(path).pages)]
                 if path.suffix == ".pdf" else list(enumerate(path.read_text().split("\f"), start=1)))
        for number, text in pages:
            for start in range(0, max(len(text), 1), STEP):
                texts.append(text[start : start + CHUNK])
                metas.append({"doc": doc.id, "page": number if doc.paged else -1})
    return texts, metas


def answers(settings: Settings, questions: list[dict[str, Any]], k: int = 5,
            quotes: int = 3) -> Iterator[dict[str, Any]]:
    """One `eval --answers` record per question, from the tutorial recipe."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    embedder = SentenceTransformerEmbedder(settings.embed_model)
    texts, metas = tutorial_chunks(settings)
    vectors = embedder.embed(texts)
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(tmp, settings=ChromaSettings(anonymized_telemetry=False))
        coll = client.create_collection("tutorial", metadata={"hnsw:space": "cosine"})
        for s in range(0, len(texts), 1000):
            end = min(s + 1000, len(texts))
            coll.add(ids=[str(i) for i in range(s, end)], embeddings=vectors[s:end].tolist(),
                     metadatas=metas[s:end], documents=texts[s:end])
        for q in questions:
            t0 = time.perf_counter()
            res = coll.query(query_embeddings=embedder.embed([q["question"]]).tolist(), n_results=k)
            latency = time.perf_counter() - t0
            found = list(zip((res["metadatas"] or [[]])[0], (res["documents"] or [[]])[0], strict=True))
            pages = [(str(m["doc"]), None if m["page"] == -1 else m["page"]) for m, _ in found]
            cites: list[dict[str, Any]] = [
                {"doc_id": doc, "page": page, "paragraph": None, "quote": str(text).strip()}
                for (doc, page), (_m, text) in zip(pages[:quotes], found[:quotes], strict=True)]
            body = "\n".join(f"[{n}] {' '.join(c['quote'].split())}" for n, c in enumerate(cites, 1))
            yield {"id": q["id"], "question": q["question"], "answer": body, "abstained": False,
                   "citations": cites, "retrieved": [{"doc_id": d, "page": p} for d, p in pages],
                   "latency_s": round(latency, 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path, help="from `safeguide eval --export-questions`")
    parser.add_argument("out", type=Path, help="answers JSONL for `safeguide eval --answers`")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    with args.out.open("w", encoding="utf-8") as fh:
        for record in answers(Settings(), questions):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    log.info("%d answers written to %s", len(questions), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
