"""Profile the ingest and answer paths with pyinstrument (a dev dependency).

Run: `python -m benchmarks.profile ingest|answer [--out report.txt]`.
`ingest` ingests the real corpus into a temporary home; `answer` asks the golden questions warm.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from assistant.settings import Settings
from corpus.manifest import load_manifest
from corpus.sync import sync
from ingest.embed import SentenceTransformerEmbedder
from ingest.pipeline import run_ingest


def profile_ingest(base: Settings) -> str:
    from pyinstrument import Profiler

    manifest = load_manifest()
    with tempfile.TemporaryDirectory(prefix="sg-prof-") as tmp:
        settings = base.model_copy(update={"home": Path(tmp)})
        sync(manifest, base.corpus, settings.corpus_dir)
        embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
        embedder.embed(["warm up"])  # model load is not part of the ingest being profiled
        with Profiler(interval=0.005) as prof:
            report = run_ingest(settings, manifest, embedder)
    return f"{report.summary()}\n" + prof.output_text(unicode=True, show_all=False)


def profile_answers(settings: Settings) -> str:
    from pyinstrument import Profiler

    from assistant.service import Assistant
    from benchmarks.bench import _questions

    questions = [i["question"] for i in _questions()]
    assistant = Assistant(settings)
    assistant.ask(questions[0])
    with Profiler(interval=0.001) as prof:
        for q in questions:
            assistant.ask(q)
    return f"{len(questions)} answers\n" + prof.output_text(unicode=True, show_all=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["ingest", "answer"])
    parser.add_argument("--out", help="write the report here as well")
    args = parser.parse_args(argv)
    settings = Settings()
    text = profile_ingest(settings) if args.what == "ingest" else profile_answers(settings)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
