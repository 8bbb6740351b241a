"""The assistant: question -> edition scope -> hybrid retrieval -> answer -> checked citations."""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date

from assistant.answer import Draft, ExtractiveGenerator, Generator, display
from assistant.changes import EditionChanges, render_report
from assistant.cite import make_citation, verify
from assistant.coverage import IndexGaps, index_gaps
from assistant.editions import EditionRegistry, Scope
from assistant.errors import QuestionError
from assistant.evidence import AnswerContext, SentenceVectors, Unit, blend, rerank
from assistant.exhibits import FLOW_CHART, chart_title, example, figure_runs, story_run
from assistant.generators import build_generator
from assistant.own_table import (
    MAX_ENTRIES,
    entry_count,
    on_topic,
    table_body,
    table_chunks,
    table_citations,
    table_entries,
)
from assistant.plans import carried_lead, unit_bonus
from assistant.records import Answer, Citation, Passage
from assistant.renames import Rename, explain, load_renames
from assistant.retrieve import Mode, Retriever
from assistant.settings import Settings
from assistant.text import normalise, tokens
from assistant.understand import Part, Query, analyse
from assistant.understand.sections import in_section
from corpus.local import local_documents, registry_mtime
from corpus.manifest import Document, Manifest, load_manifest
from ingest.embed import Embedder, SentenceTransformerEmbedder
from ingest.records import Chunk
from ingest.segment import FLOW_CHART_TITLE, FOOTNOTES
from ingest.sentences import SentenceLookup

log = logging.getLogger(__name__)
NOT_ANSWERED = "The guidance here does not answer that."
RUN_ON_FROM = 3  # a scenario's first candidates whose next chunk joins them (dev: +1, none lost)
CATEGORY_K = 5  # passages searched for the definition of the kind a yes/no part asks about
RARE_SHARE = 0.01  # a word in at most this share of chunks names its matter (dev: no item; fresh batch: +1)
SECTION_K = 10  # the passages searched for in the sections a part names, beside its other candidates
LAW_NOTES_FROM = 5  # a part asking which law: the first candidates whose pages' footnotes join them
NEIGHBOUR_FROM = 2  # another part's best passages whose neighbours a part may also be answered from
TOPIC_BONUS = 0.05  # a later part's passage in the first part's chapter (dev: +1 item, none lost)


def clean_question(question: str, limit: int) -> str:
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in question or "")
    text = " ".join(text.split())
    if not text:
        raise QuestionError("The question is empty: type a question about the guidance.")
    if len(text) > limit:
        raise QuestionError(
            f"The question is {len(text):,} characters long; the limit is {limit:,}. "
            "Ask about one thing at a time."
        )
    return text


class Assistant:
    """Holds the models and index for a process; cheap to build, loads on first question."""

    def __init__(self, settings: Settings, manifest: Manifest | None = None,
                 embedder: Embedder | None = None, generator: Generator | None = None) -> None:
        self.settings = settings
        national = manifest or load_manifest()
        # a copy whose document list also holds the local documents (refresh_local), shared with
        # every component that looks documents up by id
        self.manifest = national.model_copy(update={"documents": list(national.documents)})
        self._national = tuple(national.documents)
        self._local_mtime = -1.0
        self.refresh_local()
        self.registry = EditionRegistry(self.manifest)
        self.embedder = embedder or SentenceTransformerEmbedder(settings.embed_model)
        self.retriever = Retriever(settings, self.embedder)
        sentence_embedder = (SentenceTransformerEmbedder(settings.sentence_model)
                             if settings.sentence_model and settings.sentence_model != settings.embed_model
                             else self.embedder)
        self.sentences = SentenceVectors(  # vectors stored at ingest first (ingest/sentences.py)
            sentence_embedder, store=SentenceLookup.for_embedder(self.retriever.store, sentence_embedder))
        self.changes = EditionChanges(self.retriever, self.registry, self.manifest, settings.current_date)
        self.renames = load_renames()
        # the flow charts of the loaded index (its chunk list), found on first use
        self._figure_runs: tuple[list[Chunk] | None, dict[str, tuple[Chunk, ...]]] = (None, {})
        self.generator = generator or build_generator(settings, ExtractiveGenerator(
            self.sentences, self.manifest, settings.abstain_threshold, settings.abstain_weights,
            settings.max_quotes, settings.quote_ratio, pages=self.retriever.pages,
            part_quotes=settings.part_quotes, list_quotes=settings.list_quotes, boxes=self.retriever.boxes,
            following=self.retriever.following, preceding=self.retriever.preceding,
            procedure_threshold=settings.procedure_threshold, sibling_threshold=settings.sibling_threshold,
            quantity_threshold=settings.quantity_threshold, list_threshold=settings.list_threshold,
            procedure_match=settings.procedure_match))

    def refresh_local(self) -> None:
        """Put the local documents' current list (`safeguide add`) into the shared manifest."""
        mtime = registry_mtime(self.settings)
        if mtime == self._local_mtime:
            return
        self.manifest.documents[:] = [*self._national, *local_documents(self.settings)]
        self._local_mtime = mtime

    def local_documents(self) -> list[Document]:
        self.refresh_local()
        return [d for d in self.manifest.documents if d.is_local]

    def analyse(self, question: str, edition: str | None = None, as_of: date | None = None,
                source: str = "all") -> Query:
        """The question parsed once: scope, kind, parts and their shapes, renamed terms."""
        question = clean_question(question, self.settings.max_question_chars)
        known = self.retriever.abbreviations
        return analyse(question, self.registry, self.renames, known, self.settings.current_date(),
                       edition, as_of, source, self.local_documents(),
                       senses=lambda asked, docs: self.retriever.senses.resolve(asked, known, docs))

    def scope(self, question: str, edition: str | None = None, as_of: date | None = None,
              source: str = "all") -> Scope:
        return self.analyse(question, edition, as_of, source).scope

    def retrieve(self, query: Query, k: int | None = None,
                 mode: Mode = "hybrid") -> tuple[list[Passage], AnswerContext]:
        """Each part searched and reranked on its own; the passages interleaved part by part."""
        k = k or self.settings.top_k
        self.retriever.ensure_loaded()  # idf below reads the loaded index
        parts: list[AnswerContext] = []
        kind = next((p.exhibit for p in query.parts if p.exhibit), "")
        story = self._exhibit(query, kind, mode) if kind else ()
        for n, asked in enumerate(query.parts):
            asked = self._with_rare_words(asked, query.parts[:n]) if n else asked
            parts.append(self._part_evidence(_on_topic(asked, parts), asked.scope or query.scope, k, mode,
                                             story if asked.exhibit == kind else ()))
            # the first part about it reads the exhibit whole; a later one, what it asks of it
            parts[-1].whole_exhibit = bool(parts[-1].exhibited) and not any(p.exhibited for p in parts[:-1])
        if len(parts) == 1:
            return parts[0].passages, parts[0]
        if mode != "dense":  # the parts of one question share what their searches found
            # the later parts lean to the chapter the first was answered from (dev: +1, none lost)
            topic = _topic(parts[0])
            parts = [self._pooled(part, parts, k, topic if n else None) for n, part in enumerate(parts)]
        merged: dict[str, Passage] = {}
        for rank in range(k):
            for part in parts:
                if rank < len(part.passages):
                    merged.setdefault(part.passages[rank].chunk.chunk_id, part.passages[rank])
        passages = [replace(p, rank=i) for i, p in enumerate(merged.values())]
        # the whole question's context only holds its parts: no extra embedding on the hot path
        top = AnswerContext(query.question, query.search, parts[0].query_vector, kind=query.kind,
                            parts=parts)
        return passages, top

    def _with_rare_words(self, part: Part, before: Sequence[Part]) -> Part:
        """A part that does not refer back is still about its question's matter: it is searched
        with the rare words of the parts before ("What's Operation Encompass and what should the
        school do when we get a notification?": "Encompass"). Rare: in at most RARE_SHARE of chunks.
        The index is loaded (`retrieve` loads it first)."""
        if part.follows:
            return part
        own = set(tokens(part.text))
        most = RARE_SHARE * len(self.retriever.chunks)
        rare = [w for w in dict.fromkeys(re.findall(r"[\w'’-]+", " ".join(b.text for b in before)))
                if (t := tokens(w)) and not set(t) & own and all(0 < self.retriever.df(x) <= most for x in t)]
        return replace(part, search=f"{part.search} {' '.join(rare)}") if rare else part

    def _context(self, part: Part) -> AnswerContext:
        """The evidence record of one part: its search embedded, and what it asks for."""
        qvec = self.embedder.embed([part.search])[0]
        idf = {t: self.retriever.idf(t) for t in set(tokens(f"{part.search} {part.asked}"))}
        ctx = AnswerContext(part.text, part.search, qvec, idf, kind=part.kind, shape=part.shape,
                            asked=part.asked, counted=part.counted, listed=part.listed, unit=part.unit,
                            count=part.count, told=part.told, excluded=part.excluded,
                            sections=part.sections, category=part.category, exhibit=part.exhibit,
                            follows=part.follows, defined=part.defined, offered=part.offered,
                            timed=part.timed, changes=part.changes, heading=part.heading,
                            # an acronym the guidance never prints, with no spelling, isn't asked of it
                            named=tuple(n for n in part.named
                                        if len(n) > 1 or self.retriever.df(n[0].lower())))
        if self.sentences.embedder is not self.embedder:
            ctx.sentence_query_vector = self.sentences.embed([part.search])[0]
        if part.asked != part.search:  # "…and how often should it be reviewed?", "A Year 9… who do I tell?"
            # its sentences are judged by what it asks as much as by the words it carries (the part
            # before's, the situation's)
            base = qvec if ctx.sentence_query_vector is None else ctx.sentence_query_vector
            ctx.sentence_query_vector = blend(base, self.sentences.embed([part.asked])[0])
        return ctx

    def _part_evidence(self, part: Part, scope: Scope, k: int, mode: Mode,
                       story: tuple[Chunk, ...] = ()) -> AnswerContext:
        ctx = self._context(part)
        ctx.exhibited = tuple(c.chunk_id for c in story)
        if part.scope is not None:  # the part names editions of its own: its answer says which
            ctx.doc_ids = scope.doc_ids
            labels = ", ".join(self.registry.label(s, e) for s, e in scope.editions)
            ctx.editions = f"in force today: {labels}" if scope.how == "current" else labels
        if mode == "dense":  # the plain baseline: no BM25, no sentence rerank
            ctx.passages = self.retriever.search(part.search, scope.doc_ids, k, mode, ctx.query_vector)
            return ctx
        candidates = self.retriever.search(part.search, scope.doc_ids, self.settings.candidate_k, mode,
                                           ctx.query_vector)
        if part.also:  # more candidates; the part's own words still score their sentences
            # the action passages' search: what the part asks for is judged on its own words above;
            # planned as its best passage's steps (another procedure's task list, a strategy
            # discussion's, is no general step)
            general = self._context(Part(part.text, "general", None, part.also, changes=part.changes))
            extra = self.retriever.search(part.also, scope.doc_ids, self.settings.candidate_k // 2, mode,
                                          general.query_vector)
            candidates += _unseen(candidates, extra)
            general.passages = rerank(self.sentences, general, extra, k, carried=self._carried)
            ctx.general = general
        if part.category:  # "does that count as domestic abuse?": what domestic abuse is
            candidates += _unseen(candidates, self.retriever.search(
                f"What is {part.category}? {part.category} means", scope.doc_ids, CATEGORY_K, mode))
        if part.shape == "law":  # "which Act…?": a page's footnotes name the law its text relies on
            candidates += _unseen(candidates, self._footnotes(candidates[:LAW_NOTES_FROM], len(candidates)))
        candidates += self._entries(ctx, part, scope, candidates)
        candidates += self._in_sections(ctx, part, scope, candidates, mode)
        candidates += [replace(p, rank=len(candidates) + i)
                       for i, p in enumerate(_unseen(candidates, [Passage(c, 0.0, 0) for c in story]))]
        if part.kind == "procedure":
            candidates = self._run_on(candidates, RUN_ON_FROM)
        else:  # a chunk ending in a lead-in, with the list it opens
            candidates = self._run_on(candidates, len(candidates), _ends_in_lead_in)
        ctx.candidates = candidates
        # a situation's "what should I do": the search's order counts too (the rerank is noisy there)
        # the exhibit asked about is read whether or not its words rank it among the best
        ctx.passages = rerank(self.sentences, ctx, candidates, k, unit_bonus(ctx),
                              fuse=part.kind == "procedure", carried=self._carried, kept=ctx.exhibited)
        return ctx

    def _footnotes(self, found: list[Passage], start: int) -> list[Passage]:
        """The footnotes printed with the passages found, each once: ranked from `start`."""
        notes = {c.chunk_id: c for p in found for c in self.retriever.boxes(p.chunk)
                 if FOOTNOTES in c.headings}
        return [Passage(c, 0.0, start + i) for i, c in enumerate(notes.values())]

    def _run_on(self, candidates: list[Passage], top: int,
                runs_on: Callable[[Chunk], bool] = lambda _: True) -> list[Passage]:
        """The candidates, each of the first `top` (that `runs_on`) followed by the next chunk of its
        document: a heading's short opening chunk ("Initiating section 47 enquiries") runs on in
        the next, which holds the steps ("Lead practitioners should: • lead the assessment…"); a
        chunk ending in a list's lead-in ("A local protocol should:") runs on into its items."""
        seen = {p.chunk.chunk_id for p in candidates}
        out: list[Passage] = []
        for i, passage in enumerate(candidates):
            out.append(passage)
            nxt = self.retriever.following(passage.chunk) if i < top and runs_on(passage.chunk) else None
            if nxt is not None and nxt.chunk_id not in seen and FOOTNOTES not in nxt.headings:
                seen.add(nxt.chunk_id)
                out.append(Passage(nxt, 0.0, len(candidates) + i))
        return out

    def _in_sections(self, ctx: AnswerContext, part: Part, scope: Scope, candidates: list[Passage],
                     mode: Mode) -> list[Passage]:
        """The best passages of the sections the part names ("the glossary", "Annex B"), not yet
        among its candidates: the search over every section may have missed them."""
        if not part.sections:
            return []
        seen = {p.chunk.chunk_id for p in candidates}
        found = self.retriever.search(part.search, scope.doc_ids, SECTION_K, mode, ctx.query_vector,
                                      lambda c: in_section(c.headings, part.sections))
        return [replace(p, rank=len(candidates) + i)
                for i, p in enumerate(p for p in found if p.chunk.chunk_id not in seen)]

    def _exhibit(self, query: Query, kind: str, mode: Mode) -> tuple[Chunk, ...]:
        """The case study or flow chart a question asks about: the one the whole question's words
        (and the sentence naming it again) find best, with the chunks it runs over (the guidance
        has several; one question means one)."""
        if kind == FLOW_CHART:
            return self._chart(query)
        # the sentence naming it describes it: its words count twice
        text = f"{query.exhibit_named} {query.search}".strip()
        found = self.retriever.search(text, query.scope.doc_ids, 1, mode, within=example)
        return story_run(found[0].chunk, self.retriever.preceding, self.retriever.following) if found else ()

    def _chart(self, query: Query) -> tuple[Chunk, ...]:
        """The flow chart whose title the question's words fit best ("the immediate protection
        flowchart": "Flow chart 3: Immediate protection"); its boxes say too little to find it by.
        Fit: the weight (idf) of the title words asked, times the share of the title they make."""
        asked = set(tokens(query.search))

        def fit(run: tuple[Chunk, ...]) -> float:
            title = set(tokens(FLOW_CHART_TITLE.sub("", chart_title(run))))
            shared, whole = (sum(self.retriever.idf(t) for t in words) for words in (asked & title, title))
            return shared * shared / whole if whole else 0.0

        charts = {run for run in self._figures().values() if run[0].doc_id in query.scope.doc_ids}
        score, best = max(((fit(run), run) for run in charts), key=lambda pair: pair[0], default=(0.0, ()))
        return best if score > 0 else ()

    def _figures(self) -> dict[str, tuple[Chunk, ...]]:
        """The flow charts of the loaded index, each chunk's chart by its id (kept per index)."""
        chunks = self.retriever.chunks
        if self._figure_runs[0] is not chunks:
            self._figure_runs = (chunks, figure_runs(chunks))
        return self._figure_runs[1]

    def _entries(self, ctx: AnswerContext, part: Part, scope: Scope,
                 candidates: list[Passage]) -> list[Passage]:
        """What a term is, or who they are: the glossary entries of the term the part names, not
        yet among its candidates (all of them are marked in `ctx.entries`)."""
        names = part.kind in ("definition", "list") or part.shape == "who-many"
        found = self.retriever.entries(part.asked or part.text, scope.doc_ids) if names else []
        ctx.entries = frozenset((e.chunk.chunk_id, at) for e, at in found)
        seen = {p.chunk.chunk_id for p in candidates}
        entries = {e.chunk.chunk_id: e for e, _ in found if e.chunk.chunk_id not in seen}
        return [replace(p, rank=len(candidates) + i) for i, p in enumerate(entries.values())]

    def _pooled(self, part: AnswerContext, parts: list[AnswerContext], k: int,
                topic: tuple[str, tuple[str, ...]] | None = None) -> AnswerContext:
        """The part reranked over its own candidates and the other parts': the parts of one question
        are about one matter, and one part's search may find another's answer ("Can we check the
        Update Service without asking them? And does it cost anything?"). With a `topic`, a
        passage in that document's chapter ranks TOPIC_BONUS higher."""
        own = {p.chunk.chunk_id for p in part.candidates}
        near = [Passage(c, 0.0, 0) for other in parts if other is not part
                for p in other.passages[:NEIGHBOUR_FROM] for c in self._neighbours(p.chunk)]
        others = {q.chunk.chunk_id: q for other in parts if other is not part for q in other.candidates + near
                  if q.chunk.chunk_id not in own and (not part.doc_ids or q.chunk.doc_id in part.doc_ids)}
        extra = [replace(p, rank=len(part.candidates) + i) for i, p in enumerate(others.values())]
        if not extra and topic is None:
            return part
        pooled = replace(part)
        pooled.passages = rerank(self.sentences, pooled, part.candidates + extra, k,
                                 _with_topic(unit_bonus(pooled), topic),
                                 fuse=pooled.kind == "procedure", carried=self._carried,
                                 kept=pooled.exhibited)  # the exhibit asked about is read by every part
        return pooled

    def _neighbours(self, chunk: Chunk) -> list[Chunk]:
        """The chunks printed either side of one, footnotes aside: the parts of one question often
        ask about neighbouring paragraphs ("how do we support him?" after "how do we balance…?")."""
        return [c for c in (self.retriever.preceding(chunk), self.retriever.following(chunk))
                if c is not None and FOOTNOTES not in c.headings]

    def _carried(self, chunk: Chunk) -> str:
        """The lead-in of a list the chunk opens mid-way, from the chunk before."""
        return carried_lead(chunk, self.retriever.preceding(chunk))

    def ask(self, question: str, edition: str | None = None, as_of: date | None = None,
            mode: Mode = "hybrid", on_token: Callable[[str], None] | None = None,
            source: str = "all") -> Answer:
        """`on_token` receives a written answer's draft as it streams (before its check);
        `source` is "all" (national guidance, then local documents), "national" or "local"."""
        t0 = time.perf_counter()
        query = self.analyse(question, edition, as_of, source)
        if query.scope.unavailable:
            return self._abstain(query.question, query.scope, query.scope.unavailable, [],
                                 {"total": _since(t0)})
        if not self.retriever.abbreviations:  # first question: expansions come with the index
            self.retriever.ensure_loaded()
            query = self.analyse(question, edition, as_of, source)
        question, scope = query.question, query.scope
        asked = self.changes.editions_asked(query.years, scope) if query.kind == "what-changed" else None
        sections = query.changed_sections
        if query.kind == "what-changed" and (sections or not asked) and (
                own := self._own_table(question, scope, sections, query.topic, t0)):
            return own
        if asked:
            compared = self._gaps([d.id for e in asked[1:] if (d := self.changes.full_text(asked[0], e))])
            if compared.missing:
                return self._not_indexed(question, scope, compared, t0)
            return self.what_changed(question, *asked, t0=t0, topic=query.topic)
        gaps = self._gaps(scope.doc_ids)
        if gaps.nothing_indexed:
            return self._not_indexed(question, scope, gaps, t0)
        t1 = time.perf_counter()
        passages, draft = self._draft(query, mode, on_token) if scope.doc_ids else ([], _NO_NATIONAL)
        t2 = time.perf_counter()
        if scope.local:  # the local documents: their own pass, quoted after the national guidance
            local_passages, local_draft = self._draft(local_query(query), mode, None)
            if not draft.abstained and local_draft.support < self.settings.local_beside_threshold:
                local_draft = replace(local_draft, abstained=True)  # too weak to quote beside it
            draft = merge_local(draft, local_draft) if scope.doc_ids else local_draft
            passages = passages + local_passages
        timings = {"retrieve": t2 - t1, "generate": _since(t2), **draft.timings}
        hits = list(query.outdated)
        if draft.abstained and hits:
            return self._renamed_only(question, scope, hits, passages, timings, t0)
        if draft.abstained:
            timings["total"] = _since(t0)
            answer = self._abstain(question, scope, draft.reason, passages, timings, draft.nearest)
            answer.support = draft.support
            return answer
        checked = [verify(c, self.retriever.pages(c.doc_id)) for c in draft.citations]
        good = [c for c in checked if c.verified]
        notices = gaps.notices() + list(scope.notices) + draft.notices
        if len(good) < len(checked):
            notices.append(f"{len(checked) - len(good)} citation(s) were removed because the quote "
                           "was not found word for word in the source.")
        if not good:
            timings["total"] = _since(t0)
            return self._abstain(question, scope, "no quote could be verified", passages, timings)
        body = _renumber(draft.body, checked, good) if len(good) < len(checked) else draft.body
        good = [c if c.marker == i + 1 else replace(c, marker=i + 1) for i, c in enumerate(good)]
        edition_used, edition_notes = self._edition_notes(scope, good)
        rename_lines, rename_cites = explain(hits, self.renames, self.retriever, self.manifest,
                                             len(good) + 1, tuple(good), self._in_force())
        later, later_cites = self._supersession(good, len(good) + len(rename_cites) + 1)
        if later:
            edition_notes = [n for n in edition_notes if not n.startswith("The quoted edition has been")]
        notes = edition_notes + later + notices
        cites = good + rename_cites + later_cites
        body = "\n".join([*rename_lines, body])
        text = self._compose(body, cites, notes)
        timings["total"] = _since(t0)
        return Answer(question, text, False, edition_used, cites, rename_lines + notes,
                      getattr(self.generator, "name", "extractive"), timings, passages, draft.support,
                      draft.check, body=body, not_indexed=list(gaps.missing), index_notice=gaps.notice)

    def _draft(self, query: Query, mode: Mode,
               on_token: Callable[[str], None] | None) -> tuple[list[Passage], Draft]:
        passages, ctx = self.retrieve(query, mode=mode)
        draft = (self.generator.generate(ctx, passages, on_token=on_token) if on_token
                 else self.generator.generate(ctx, passages))
        return passages, draft

    def what_changed(self, question: str, series: str, old: str, new: str, t0: float,
                     topic: str | None = None, limit: int = 8) -> Answer:
        """A "what changed" question answered by comparing two full editions paragraph by paragraph."""
        comparison = self.changes.comparison(series, old, new)
        report = self.changes.report(comparison, topic=topic, limit=limit)
        cites = list(report.citations.values())
        notes = [f"Compared the full texts of {self.registry.label(series, old)} and "
                 f"{self.registry.label(series, new)}; wording-only changes (punctuation, footnote "
                 "numbers, cross-references) and renumbered paragraphs are left out."]
        check = self.changes.table_check(comparison)
        body = render_report(report, self.registry)
        if check["listed"] and not topic:
            notes.append(f"{self.registry.label(series, new)}'s own table of changes lists "
                         f"{check['listed']} paragraphs; this comparison found changes in "
                         f"{check['listed_and_detected']} of them.")
            own = self.changes.own_summary(comparison, len(cites) + 1)
            if own:
                body = (f"{self.registry.label(series, new)}'s own table of changes says: "
                        f"“{' '.join(own[0].quote.split())}” [{own[0].marker}]\n{body}")
                cites += own
        text = self._compose(body, cites, notes)
        shown = [ch for change in report.changes for piece in (change.new, change.old) if piece
                 for ch in piece.chunks]
        passages = [Passage(ch, 1.0 / (r + 1), r) for r, ch in enumerate(dict.fromkeys(shown))]
        return Answer(question, text, False, self.registry.label(series, new), cites, notes,
                      "compare", {"total": _since(t0)}, passages, 1.0, body=body)

    def _own_table(self, question: str, scope: Scope, sections: tuple[str, ...], topic: str | None,
                   t0: float) -> Answer | None:
        """The named edition's own table of changes, the entries under the sections the question
        names (or on its topic), when the edition has one and it lists some; else None."""
        self.retriever.ensure_loaded()
        for series, edition in scope.editions:
            doc = self.changes.full_text(series, edition)
            entries = table_entries(table_chunks(self.retriever.chunks, doc.id)) if doc else []
            picked = on_topic(entries, sections, topic)
            if not doc or not picked:
                continue
            groups = table_citations(picked, doc, self.retriever.pages(doc.id))[:MAX_ENTRIES]
            cites = [c for group in groups for c in group]
            if not cites:
                continue
            body = table_body(groups, entry_count(picked), self.registry.label(series, edition), sections)
            used, notes = self._edition_notes(scope, cites)
            passages = [Passage(c, 1.0, r) for r, c in enumerate(dict.fromkeys(e.chunk for e in picked))]
            return Answer(question, self._compose(body, cites, notes), False, used, cites, notes, "table",
                          {"total": _since(t0)}, passages, 1.0, body=body)
        return None

    def _supersession(self, cites: list[Citation], marker: int) -> tuple[list[str], list[Citation]]:
        notes: list[str] = []
        extra: list[Citation] = []
        unchecked: dict[str, list[int]] = {}  # note -> the markers it is about
        for c in cites:
            if c.role != "answer" or c.status not in ("superseded", "briefing") or len(extra) >= 2:
                continue
            if note := self._current_not_indexed(c):
                unchecked.setdefault(note, []).append(c.marker)
                continue
            if c.status == "superseded":
                found = self.changes.supersession(c, marker + len(extra))
            else:
                found = self.changes.nearest_current(c, marker + len(extra))
            same = next((e for e in extra if found and found[1] and e.quote == found[1].quote), None)
            if found and found[1] and same:  # the same current sentence: point at it, don't repeat it
                found = (found[0].replace(f"[{found[1].marker}]", f"[{same.marker}]"), None)
            if found:
                notes.append(found[0])
                if found[1]:
                    extra.append(found[1])
        notes += [" ".join(f"[{m}]" for m in markers) + f" {_verb(markers)}{note}"
                  for note, markers in unchecked.items()]
        return notes, extra

    def _current_not_indexed(self, cite: Citation) -> str | None:
        """The note for a quote from an old edition whose current full text is not indexed yet (so
        what the current edition says cannot be checked)."""
        doc = self.manifest.doc(cite.doc_id)
        current = self.registry.current(doc.series, self.settings.current_date())
        full = self.changes.full_text(doc.series, current.edition) if current else None
        if not current or not full or current.edition == doc.edition or full.id in self.retriever.indexed:
            return None
        return (f" {self.registry.label(doc.series, doc.edition)}, which is no longer in force; "
                f"{self.registry.label(doc.series, current.edition)} (current) is not indexed yet, so its "
                "wording was not checked: run `safeguide ingest`.")

    def _in_force(self) -> tuple[str, ...]:
        """The documents of each series' edition in force today (is an old term still used?)."""
        today = self.settings.current_date()
        return tuple(d.id for s in self.registry.all_series() if (e := self.registry.current(s, today))
                     for d in self.registry.docs_for(s, e.edition))

    def _renamed_only(self, question: str, scope: Scope, hits: list[tuple[str, Rename]],
                      passages: list[Passage], timings: dict[str, float], t0: float) -> Answer:
        lines, cites = explain(hits, self.renames, self.retriever, self.manifest, 1, doc_ids=self._in_force())
        if not cites:
            timings["total"] = _since(t0)
            return self._abstain(question, scope, "no passage in scope supports an answer", passages, timings)
        lines.append("The guidance in scope does not say more on this; ask again using the current term.")
        timings["total"] = _since(t0)
        body = "\n".join(lines)
        gaps = self._gaps(scope.doc_ids)
        return Answer(question, self._compose(body, cites, gaps.notices() + list(scope.notices)), False,
                      ", ".join(self._searched(scope, gaps)), cites, lines,
                      getattr(self.generator, "name", "extractive"), timings, passages, body=body,
                      not_indexed=list(gaps.missing), index_notice=gaps.notice)

    def stream(self, answer: Answer, step: int = 24) -> Iterator[str]:
        """The answer text in growing pieces, for chat UIs."""
        for end in range(step, len(answer.text) + step, step):
            yield answer.text[:end]

    # ------------------------------------------------------------------------------------
    def _edition_notes(self, scope: Scope, cites: list[Citation]) -> tuple[str, list[str]]:
        local = [c for c in cites if c.local]
        cites = [c for c in cites if not c.local]
        used = list(dict.fromkeys((self.manifest.doc(c.doc_id).series, c.edition) for c in cites))
        labels = [self.registry.label(s, e) for s, e in used]
        notes = []
        if cites and scope.how == "current":
            notes.append("No edition was named, so this uses the edition in force today: "
                         + ", ".join(labels) + ".")
        elif cites and scope.how == "named":
            notes.append("Edition used: " + ", ".join(labels) + " (as named in the question).")
        elif cites and scope.how == "parts":
            notes.append("Editions used: " + ", ".join(labels) + " (each part from the edition it names; a "
                         "part that names none, from the edition named before it or in force today).")
        series = [s for s, _ in used]
        for s in set(series):
            if series.count(s) > 1:
                notes.append(f"This answer quotes more than one {self.registry.series_name(s)} edition "
                             "— check which one applies.")
        if any(self.manifest.doc(c.doc_id).kind == "briefing" for c in cites):
            notes.append("Source note: the full text of this edition is not held; the quotes come "
                         "from a briefing that summarises it.")
        if any(c.status == "superseded" for c in cites):
            notes.append("The quoted edition has been superseded; check the current edition.")
        if local:
            notes.append("Local documents are quoted after the national guidance: they are your "
                         "area's own arrangements, not statutory guidance.")
        return ", ".join(labels + (["local documents"] if local else [])), notes

    @staticmethod
    def _compose(body: str, cites: list[Citation], notes: list[str]) -> str:
        """The body, then where each [n] comes from (a quote the body does not show is given
        there, so every quote appears once), then the notices."""
        lines = [body, ""]
        for c in cites:
            quote = " ".join(c.quote.split())
            shown = f"[{c.marker}]" in body and _words(quote)[:60] in _words(body)
            lines.append(f"[{c.marker}] {c.where()} · {c.duty.split(' (')[0]}"
                         + ("" if shown else f": “{quote}”"))
        lines += ["", *notes]
        return "\n".join(lines).strip()

    def _abstain(self, question: str, scope: Scope, reason: str, passages: list[Passage],
                 timings: dict[str, float], nearest: Unit | None = None) -> Answer:
        """Says what was searched: an edition the index does not hold is named as not indexed;
        the local documents held were searched too. A refusal for want of a quantity shows the
        nearest sentence found, verbatim and placed, as context only."""
        gaps = self._gaps(scope.doc_ids)
        labels = self._searched(scope, gaps)
        local = [self.manifest.doc(d).title for d in scope.local]
        # "The guidance here does not set a time limit for this…" says it plainly on its own
        said = f"{reason[0].upper()}{reason[1:]}"
        text = (said if said.startswith("The guidance") else f"{NOT_ANSWERED} {said}").rstrip(".") + "."
        text += self._nearest(nearest)
        searched = labels + ([f"local documents ({'; '.join(local)})"] if local else [])
        if searched:
            text += f" Searched: {', '.join(searched)}."
        text += f" {gaps.notice}" if gaps.notice else ""
        if local:
            text += " Ask your designated safeguarding lead."
        else:
            text += " Check your local procedures or ask your designated safeguarding lead."
        return Answer(question, text, True, ", ".join(labels), [], list(scope.notices),
                      getattr(self.generator, "name", "extractive"), timings, passages, body=text,
                      not_indexed=list(gaps.missing), index_notice=gaps.notice)

    def _nearest(self, unit: Unit | None) -> str:
        """" The nearest passage found, which does not answer it: “…” (where)." when its words are
        on the page as quoted; else nothing."""
        if unit is None:
            return ""
        doc = self.manifest.doc(unit.chunk.doc_id)
        cite = verify(make_citation(0, unit.chunk, unit.start, unit.end, doc), self.retriever.pages(doc.id))
        if not cite.verified:
            return ""
        return (f" The nearest passage found, which does not answer it: “{display(cite.quote)}” "
                f"({cite.where()}).")

    def _gaps(self, doc_ids: tuple[str, ...] | list[str]) -> IndexGaps:
        """The documents among `doc_ids` the committed index does not hold yet."""
        if not doc_ids:
            return IndexGaps()
        self.retriever.ensure_loaded()
        return index_gaps(doc_ids, self.retriever.indexed, self.registry)

    def _searched(self, scope: Scope, gaps: IndexGaps) -> list[str]:
        labels = [self.registry.label(s, e) for s, e in scope.editions]
        return [label for label in labels if label not in gaps.unsearched]

    def _not_indexed(self, question: str, scope: Scope, gaps: IndexGaps, t0: float) -> Answer:
        """Nothing the question needs is indexed: say so instead of claiming to have searched it."""
        text = (f"{gaps.notice} Until then this question cannot be answered from it; nothing "
                "was searched.")
        return Answer(question, text, True, "", [], list(scope.notices),
                      getattr(self.generator, "name", "extractive"), {"total": _since(t0)}, [],
                      body=text, not_indexed=list(gaps.missing), index_notice=gaps.notice)


def _verb(markers: list[int]) -> str:
    return "quotes" if len(markers) == 1 else "quote"


def _words(text: str) -> str:
    """For "is this quote shown?": footnote numbers are taken out of shown quotes, so no digits."""
    return " ".join(re.sub(r"\d+", " ", normalise(text)).split())


_NO_NATIONAL = Draft("", [], 0.0, abstained=True, reason="no national guidance was searched")
LOCAL_HEADING = "Your local documents:"


def local_query(query: Query) -> Query:
    """The same question over the local documents in scope only."""
    return replace(query, scope=replace(query.scope, doc_ids=query.scope.local, local=()))


def merge_local(national: Draft, local: Draft) -> Draft:
    """National guidance first, then the local documents (their [n] markers numbered on)."""
    if local.abstained:
        return national
    offset = len(national.citations)
    cites = [replace(c, marker=c.marker + offset) for c in local.citations]
    body = local.body
    for c in sorted(local.citations, key=lambda c: -c.marker):  # [2] before [1]: no double shift
        body = body.replace(f"[{c.marker}]", f"[@{c.marker + offset}]")
    body = body.replace("[@", "[")
    if national.abstained:
        return replace(local, body=f"The national guidance searched does not answer this.\n"
                                   f"{LOCAL_HEADING}\n{body}", citations=cites)
    return replace(national, body=f"{national.body}\n\n{LOCAL_HEADING}\n{body}",
                   citations=national.citations + cites, notices=national.notices + local.notices,
                   support=max(national.support, local.support))


def _ends_in_lead_in(chunk: Chunk) -> bool:
    return chunk.text.rstrip().endswith(":")


def _unseen(candidates: list[Passage], found: list[Passage]) -> list[Passage]:
    """The passages `found` that are not among the candidates yet, in their order."""
    seen = {p.chunk.chunk_id for p in candidates}
    return [p for p in found if p.chunk.chunk_id not in seen]


def _on_topic(part: Part, before: list[AnswerContext]) -> Part:
    """A part that refers back ("and who can we ring about this?") is searched with the section
    the part before it was answered from ("Forced marriage")."""
    if not part.follows or not before or not before[-1].passages:
        return part
    heading = before[-1].passages[0].chunk.headings[-1:]
    return replace(part, search=f"{part.search} {heading[0]}") if heading else part


def _with_topic(bonus: Callable[[Unit], float] | None,
                topic: tuple[str, tuple[str, ...]] | None) -> Callable[[Unit], float] | None:
    """The plan's bonus, and TOPIC_BONUS for a unit in the topic's document and chapter (the order
    of the passages only: the plan still scores each sentence as before)."""
    if topic is None:
        return bonus
    return lambda u: ((bonus(u) if bonus else 0.0)
                      + TOPIC_BONUS * ((u.chunk.doc_id, u.chunk.headings[:1]) == topic))


def _topic(first: AnswerContext) -> tuple[str, tuple[str, ...]] | None:
    """The document and chapter (its first heading) the first part was answered from."""
    if not first.passages:
        return None
    chunk = first.passages[0].chunk
    return chunk.doc_id, chunk.headings[:1]


def _since(t: float) -> float:
    return time.perf_counter() - t


def _renumber(body: str, checked: list[Citation], good: list[Citation]) -> str:
    """Drop lines citing removed quotes and renumber the rest."""
    keep = {c.marker for c in good}
    lines = [ln for ln in body.split("\n")
             if not any(f"[{c.marker}]" in ln for c in checked if c.marker not in keep)]
    text = "\n".join(lines).strip() or "The verified quotes:"
    for new, c in enumerate(good, start=1):
        text = text.replace(f"[{c.marker}]", f"[@{new}]")
    return text.replace("[@", "[")
