"""The `safeguide` command line: errors become one clear line and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from assistant.batch import batch_answer_json, run_batch
from assistant.errors import SafeguideError
from assistant.options import GENERATORS, LOCAL_KINDS, SOURCES
from assistant.settings import Settings

log = logging.getLogger("safeguide")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from exc


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.manifest import load_manifest
    from corpus.sync import sync

    source = args.source or settings.corpus
    written = sync(load_manifest(), source, settings.corpus_dir)
    print(f"Corpus in place at {settings.corpus_dir}: {len(written)} file(s) copied, all "
          f"{len(load_manifest().documents)} checked against the manifest sha256.")
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.manifest import load_manifest
    from ingest.embed import SentenceTransformerEmbedder
    from ingest.pipeline import run_ingest

    report = run_ingest(settings, load_manifest(),
                        SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size))
    print(f"Ingest: {report.summary()}")
    return 1 if report.failed and not report.documents else 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """Each national and local document as indexed, missing, stale or failed (ingest/status.py);
    exit 1 when any is not indexed."""
    from corpus.manifest import load_manifest
    from ingest.status import index_status, summary

    statuses = index_status(settings, load_manifest())
    if args.json:
        print(json.dumps({"index": settings.index_name(), "index_dir": str(settings.index_dir),
                          "summary": summary(statuses),
                          "documents": [s.as_json() for s in statuses]}, ensure_ascii=False, indent=1))
    else:
        width = max((len(s.doc_id) for s in statuses), default=0)
        for s in statuses:
            line = f"{s.state:<8} {s.doc_id:<{width}} {s.chunks:>5} chunks"
            print(line + (f"  {s.detail}" if s.detail else ""))
        print(f"{summary(statuses)} (index {settings.index_name()} in {settings.index_dir})")
    return 0 if all(s.state == "indexed" for s in statuses) else 1


def _print_answer(answer: Any, as_json: bool, extra: dict | None = None) -> None:
    if as_json:
        print(json.dumps({**(extra or {}), **answer.as_json()}, ensure_ascii=False))
    else:
        print(answer.text)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """A running `safeguide serve` for this home and these settings answers when there is one
    (assistant/remote.py: no model loads here); otherwise the question is answered in-process."""
    if args.generator:
        settings = settings.model_copy(update={"generator": args.generator})
    if args.batch:
        return _ask_batch(_assistant(settings), Path(args.batch), args.source)
    if not args.question:
        raise SafeguideError("Give a question in quotes, or --batch FILE.jsonl.")
    question = " ".join(args.question)
    if not args.local:
        from assistant.remote import ask_server

        served = ask_server(settings, question, args.edition, args.as_of, args.source)
        if served is not None:
            print(json.dumps(served, ensure_ascii=False) if args.json else served["answer"])
            return 0
    answer = _assistant(settings).ask(question, edition=args.edition, as_of=args.as_of,
                                      source=args.source)
    _print_answer(answer, args.json)
    return 0


def _assistant(settings: Settings) -> Any:
    from assistant.service import Assistant

    return Assistant(settings)


def _ask_batch(assistant: Any, path: Path, source: str = "all") -> int:
    """One JSON object per input line; a bad line gets an error object, never a crash. `source`
    scopes the lines that name none."""
    return run_batch(assistant, path, source=source)


def _print_batch_answer(ident: Any, answer: Any, seconds: float) -> None:
    print(batch_answer_json(ident, answer, seconds))


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """Index local documents one by one; each file gets one line, a bad one does not stop the rest."""
    from ingest.embed import SentenceTransformerEmbedder
    from ingest.local import add_document
    from ingest.local_readers import check_file

    for path in args.paths:  # cheap checks first: a bad file costs no model load
        check_file(Path(path), settings.max_file_mb)
    embedder = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size)
    failed = 0
    for path in args.paths:
        try:
            result = add_document(settings, embedder, Path(path), title=args.title,
                                  publisher=args.publisher, published=args.published, kind=args.kind)
        except SafeguideError as exc:
            if len(args.paths) == 1:
                raise
            print(f"safeguide: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(result.line())
    return 2 if failed else 0


def cmd_documents(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.local import local_documents
    from corpus.manifest import load_manifest
    from ingest.local import list_documents

    manifest = load_manifest()
    rows = list_documents(settings, manifest.model_copy(
        update={"documents": manifest.documents + local_documents(settings)}))
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=1, ensure_ascii=False))
        return 0
    for r in rows:
        chunks = f"{r.chunks} chunks" if r.chunks is not None else "not indexed"
        when = f"{r.edition}" + (f" (in force {r.in_force})" if r.in_force else "")
        print(f"{r.id}  [{r.source}]  {r.title} — {when} — sha256 {r.sha256[:12]} — {chunks} — "
              f"{r.state}" + (f" ({r.detail})" if r.detail else ""))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.manifest import load_manifest
    from ingest.local import remove_document

    entry = remove_document(settings, args.id, load_manifest())
    print(f"Removed: {entry.id} — {entry.title}")
    return 0


def cmd_editions(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.editions import EditionRegistry
    from corpus.manifest import load_manifest

    registry = EditionRegistry(load_manifest())
    today = settings.current_date()
    rows: list[dict[str, Any]] = []
    for e in registry.editions():
        docs = [d.id for d in registry.manifest.documents
                if d.series == e.series and d.edition == e.edition]
        current = registry.current(e.series, today)
        rows.append({"series": e.series, "edition": e.edition,
                     "in_force_from": e.in_force_from.isoformat(),
                     "in_force_to": e.in_force_to.isoformat() if e.in_force_to else None,
                     "current": bool(current and current.edition == e.edition),
                     "documents": docs, "note": e.date_note})
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            flag = " (current)" if r["current"] else ""
            held = ", ".join(r["documents"]) or "not held"
            print(f"{registry.label(r['series'], r['edition'])}{flag}: {r['in_force_from']} to "
                  f"{r['in_force_to'] or 'now'} — {held}")
    return 0


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.changes import render_report
    from assistant.service import Assistant

    assistant = Assistant(settings)
    series = assistant.registry.series_id(args.series)
    comparison = assistant.changes.comparison(series, args.old, args.new)
    report = assistant.changes.report(comparison, topic=args.topic, paragraph=args.paragraph,
                                      include_minor=args.all)
    if args.json:
        data = report.as_json()
        data["table_check"] = assistant.changes.table_check(comparison)
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print(assistant._compose(render_report(report, assistant.registry), list(report.citations.values()), []))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import app

    app.serve(settings, host=args.host, port=args.port, no_login=args.no_login)
    return 0


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    """The MCP tools over stdio, for desktop clients (assistant/api/mcp_tools.py)."""
    from assistant.api.mcp_tools import stdio_server
    from assistant.api.tools import GuidanceTools
    from assistant.service import Assistant

    assistant = Assistant(settings)
    assistant.retriever.ensure_loaded()  # fail here, in one line, if there is no index
    stdio_server(GuidanceTools(assistant)).run("stdio")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Sync, ingest, then serve: what `make run` does."""
    cmd_sync(argparse.Namespace(source=None), settings)
    cmd_ingest(args, settings)
    return cmd_serve(args, settings)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from benchmarks import bench, emit_figures

    emit_figures(bench.run(args.runs, settings), args.json)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safeguide", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    corpus = sub.add_parser("corpus", help="corpus files").add_subparsers(dest="action", required=True)
    p = corpus.add_parser("sync", help="copy the corpus files into place, checking each sha256")
    p.add_argument("--from", dest="source", help="folder to copy from, or 'official' to download")
    p.set_defaults(func=cmd_sync)
    sub.add_parser("ingest", help="parse, chunk, embed and index the synced corpus").set_defaults(
        func=cmd_ingest)
    p = sub.add_parser("status", help="each document: indexed, missing, stale or failed")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("ask", help="answer a question with cited quotes")
    p.add_argument("question", nargs="*")
    p.add_argument("--edition", help="an edition label (2018) or a document id (kcsie-2024)")
    p.add_argument("--as-of", type=_date, help="the edition in force on YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--source", choices=SOURCES, default="all",
                   help="search national guidance, local documents (`add`), or all (default)")
    p.add_argument("--batch", help="JSONL file of {id, question, edition, as_of, source}; JSONL out")
    p.add_argument("--generator", choices=GENERATORS,
                   help="answer writer (default: SAFEGUIDE_GENERATOR, else extractive)")
    p.add_argument("--local", action="store_true",
                   help="answer in this process even when a `safeguide serve` is running")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("add", help="add local documents (PDF, DOCX, HTML, Markdown, text) and index them")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--title", help="the document's title (default: from the file)")
    p.add_argument("--publisher", help="who publishes it, e.g. the safeguarding partnership")
    p.add_argument("--published", type=_date, help="its date, YYYY-MM-DD")
    p.add_argument("--kind", choices=LOCAL_KINDS, default="local-procedure")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("documents", help="list the documents held, national and local")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_documents)
    p = sub.add_parser("remove", help="remove a local document (an id from `documents`)")
    p.add_argument("id")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser("editions", help="list the editions and their dates in force")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_editions)
    p = sub.add_parser("compare", help="compare two full editions paragraph by paragraph")
    p.add_argument("series", help="kcsie, working-together or information-sharing")
    p.add_argument("old", help="the older edition, e.g. 2024")
    p.add_argument("new", help="the newer edition, e.g. 2025")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--topic", help="only paragraphs about this topic")
    only.add_argument("--paragraph", help="one paragraph (old numbering, else new)")
    p.add_argument("--all", action="store_true", help="include wording-only and reference changes")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_compare)
    for name, func in (("serve", cmd_serve), ("run", cmd_run)):
        extra = " after sync and ingest" if name == "run" else ""
        p = sub.add_parser(name, help=f"start the web chat{extra}")
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=7860)
        p.add_argument("--no-login", action="store_true",
                       help="allow a non-loopback --host without SAFEGUIDE_AUTH (trusted networks)")
        p.set_defaults(func=func)
    sub.add_parser("mcp", help="serve the MCP tools over stdio (for desktop MCP clients)").set_defaults(
        func=cmd_mcp)
    p = sub.add_parser("bench", help="time ingest and answers against the tutorial recipe")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", help="write the figures to this file")
    p.set_defaults(func=cmd_bench)
    try:
        from evals import cli as eval_cli

        eval_cli.register(sub)
    except ImportError as exc:  # the eval extra is optional at run time
        log.debug("eval command unavailable: %s", exc)
    return parser


def configure_logging(verbose: bool) -> None:
    """INFO with -v, else warnings only. The level sits on the handler too, because some libraries
    (bm25s) set their own loggers to DEBUG at import."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    start = time.perf_counter()
    try:
        settings = Settings()
        code = int(args.func(args, settings) or 0)
    except SafeguideError as exc:
        print(f"safeguide: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("safeguide: interrupted; the index keeps its last committed state.", file=sys.stderr)
        return 130
    log.info("done in %.1f s", time.perf_counter() - start)
    return code


if __name__ == "__main__":
    sys.exit(main())
