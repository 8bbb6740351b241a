"""Benchmark safeguide on the real corpus against the tutorial recipe, with medians of runs.

Run: `python -m benchmarks.bench [--runs 3] [--json OUT]` (or `safeguide bench`).
The tutorial recipe: pypdf page text -> 1000-character chunks (200 overlap) -> the same
embedding model -> Chroma top-5 dense retrieval.
"""

from __future__ import annotations

import logging
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.service import Assistant
from assistant.settings import Settings
from benchmarks import bench_main, cli_ask, load
from corpus.manifest import load_manifest
from corpus.sync import sync
from ingest.embed import SentenceTransformerEmbedder
from ingest.pipeline import run_ingest

log = logging.getLogger(__name__)
GOLDEN = Path(__file__).resolve().parents[1] / "evals" / "golden.yaml"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _questions() -> list[dict[str, Any]]:
    import yaml

    return yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def bench_ingest(base: Settings, runs: int) -> dict[str, Any]:
    manifest = load_manifest()
    full, again = [], []
    pages = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
            settings = base.model_copy(update={"home": Path(tmp)})
            sync(manifest, base.corpus, settings.corpus_dir)
            embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
            report = run_ingest(settings, manifest, embedder)
            full.append(report.seconds)
            pages = report.pages
            again.append(run_ingest(settings, manifest, embedder).seconds)
    med = statistics.median(full)
    return {"ingest_s": med, "ingest_runs_s": full, "pages": pages, "pages_per_s": pages / med,
            "reingest_s": statistics.median(again)}


def bench_answers(settings: Settings, questions: list[str]) -> dict[str, float]:
    t0 = time.perf_counter()
    assistant = Assistant(settings)
    assistant.ask(questions[0])
    cold = time.perf_counter() - t0
    retrieval, full = [], []
    for q in questions:  # full answers first, so no step is warmed by another's cache
        t = time.perf_counter()
        assistant.ask(q)
        full.append(time.perf_counter() - t)
    for q in questions:  # first-stage hybrid retrieval: query embedding, dense + BM25, RRF
        scope = assistant.scope(q)
        if scope.unavailable:
            continue
        t = time.perf_counter()
        vector = assistant.embedder.embed([q])[0]
        assistant.retriever.search(q, scope.doc_ids, settings.candidate_k, "hybrid", vector)
        retrieval.append(time.perf_counter() - t)
    return {"cold_start_first_answer_s": cold,
            "retrieval_p50_ms": 1000 * pct(retrieval, 50),
            "retrieval_p95_ms": 1000 * pct(retrieval, 95),
            "answer_p50_ms": 1000 * pct(full, 50), "answer_p95_ms": 1000 * pct(full, 95)}


def tutorial_recipe(settings: Settings, items: list[dict[str, Any]]) -> dict[str, float]:
    """The usual recipe, timed and scored for page hit@5 on the golden set's answerable items."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from pypdf import PdfReader

    manifest = load_manifest()
    embedder = SentenceTransformerEmbedder(settings.embed_model, onnx=False)  # the recipe's encoder
    t0 = time.perf_counter()
    texts: list[str] = []
    metas: list[Any] = []
    for doc in manifest.documents:
        path = settings.corpus_dir / doc.file
        pages = ([(i + 1, p.extract_text() or "") for i, p in enumerate(PdfReader(path).pages)]
                 if path.suffix == ".pdf" else list(enumerate(path.read_text().split("\f"), start=1)))
        for number, text in pages:
            for start in range(0, max(len(text), 1), 800):
                texts.append(text[start : start + 1000])
                metas.append({"doc": doc.id, "page": number if doc.paged else -1})
    vectors = embedder.embed(texts)
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(tmp, settings=ChromaSettings(anonymized_telemetry=False))
        coll = client.create_collection("tutorial", metadata={"hnsw:space": "cosine"})
        for s in range(0, len(texts), 1000):
            coll.add(ids=[str(i) for i in range(s, min(s + 1000, len(texts)))],
                     embeddings=vectors[s : s + 1000].tolist(), metadatas=metas[s : s + 1000])
        ingest_s = time.perf_counter() - t0
        hits, lat = 0, []
        answerable = [i for i in items if i["expect"]["sources"]]
        for item in answerable:
            t = time.perf_counter()
            res = coll.query(query_embeddings=embedder.embed([item["question"]]).tolist(), n_results=5)
            lat.append(time.perf_counter() - t)
            got = {(m["doc"], m["page"]) for m in (res["metadatas"] or [[]])[0]}
            hits += any((s["doc"], p) in got or (s["pages"] is None and any(g[0] == s["doc"] for g in got))
                        for s in item["expect"]["sources"] for p in (s["pages"] or [None]))
    return {"tutorial_ingest_s": ingest_s, "tutorial_chunks": len(texts),
            "tutorial_retrieval_p50_ms": 1000 * pct(lat, 50),
            "tutorial_retrieval_p95_ms": 1000 * pct(lat, 95),
            "tutorial_hit_at_5": hits / len(answerable)}


def run(runs: int = 3, settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or Settings()
    items = _questions()
    out: dict[str, Any] = {"runs": runs}
    out.update(bench_ingest(settings, runs))
    sync(load_manifest(), settings.corpus, settings.corpus_dir)
    run_ingest(settings, load_manifest(), SentenceTransformerEmbedder(settings.embed_model))
    per_run = [bench_answers(settings, [i["question"] for i in items]) for _ in range(runs)]
    for key in per_run[0]:
        out[key] = statistics.median(r[key] for r in per_run)
    tutorial = [tutorial_recipe(settings, items) for _ in range(runs)]  # medians, as for safeguide
    out.update({key: statistics.median(t[key] for t in tutorial) for key in tutorial[0]})
    out["tutorial_ingest_runs_s"] = [t["tutorial_ingest_s"] for t in tutorial]
    out["ratio_ingest_vs_tutorial"] = out["ingest_s"] / out["tutorial_ingest_s"]
    out["ratio_retrieval_p50_vs_tutorial"] = out["retrieval_p50_ms"] / out["tutorial_retrieval_p50_ms"]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.update(load.run(settings, users=20))  # web app in its own process: throughput, peak RSS
    out.update(cli_ask.run(settings, runs))  # `safeguide ask` end to end: cold, and with serve running
    return out


def main(argv: list[str] | None = None) -> int:
    return bench_main(__doc__, "runs", 3, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
