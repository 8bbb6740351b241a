"""Written answers: a language model writes from two or three trimmed passages, then the code
checks every sentence's citation (assistant/postcheck.py). No third-party imports here: the model
backends (llama.cpp, OpenAI-compatible, Ollama) are small adapters behind `ChatBackend`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.answer import Draft, ExtractiveGenerator
from assistant.cite import make_citation
from assistant.evidence import AnswerContext, Unit
from assistant.postcheck import CheckResult, Source, check_answer, removal_notice
from assistant.records import Citation, Passage

log = logging.getLogger(__name__)

TokenSink = Callable[[str], None]
INSTRUCTION = ("Answer in one or two short sentences in your own words, and end each sentence with "
               "the number of its source in square brackets, like [2].")


class ChatBackend(Protocol):
    """A chat model that streams its reply as text pieces."""

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]: ...


@dataclass(frozen=True)
class PromptSource:
    number: int
    units: tuple[Unit, ...]  # the sentences shown, in document order

    def as_source(self) -> Source:
        return Source(self.number, tuple(" ".join(u.text.split()) for u in self.units))


@dataclass(frozen=True)
class LLMOptions:
    min_overlap: float = 0.5
    replace_overlap: float = 0.3


def prompt_sources(ctx: AnswerContext, plan: list[tuple[str, list[Unit]]], passages: int = 3,
                   sentences: int = 2) -> list[PromptSource]:
    """A multi-part question: the stretches the answer plan chose for every part, in order.
    Otherwise the best `passages` chunks by their best sentence, each cut to its `sentences`
    best ones."""
    if len(plan) > 1:
        return [PromptSource(n, (u,)) for n, u in
                enumerate((u for _, chosen in plan for u in chosen), start=1)]
    order = np.argsort(-ctx.scores, kind="stable")
    chosen: dict[str, list[Unit]] = {}
    for i in order:
        unit = ctx.units[int(i)]
        picked = chosen.get(unit.chunk.chunk_id)
        if picked is None:
            if len(chosen) == passages:
                continue
            picked = chosen[unit.chunk.chunk_id] = []
        if len(picked) < sentences and not any(u.start < unit.end and unit.start < u.end
                                               for u in picked):
            picked.append(unit)
    return [PromptSource(n, tuple(sorted(units, key=lambda u: u.start)))
            for n, units in enumerate(chosen.values(), start=1)]


def build_messages(question: str, sources: list[PromptSource],
                   plan: list[tuple[str, list[Unit]]] | None = None) -> list[dict[str, str]]:
    blocks = [f"Source [{s.number}]: {' '.join(s.as_source().sentences)}" for s in sources]
    ask = f"Question: {question}"
    if plan and len(plan) > 1:  # one line per part; a part with no source is said to be unanswered
        lines = [f"{n}. {part}" + ("" if chosen else " (no source answers this: say so)")
                 for n, (part, chosen) in enumerate(plan, start=1)]
        ask += "\nAnswer each part on its own line:\n" + "\n".join(lines)
    user = "\n\n".join(blocks) + f"\n\n{ask}\n{INSTRUCTION}"
    return [{"role": "user", "content": user}]  # no system prompt: fewer tokens, same result here


class LLMGenerator:
    """Abstains exactly as the extractive generator does (same calibrated support), otherwise asks
    the model, checks each sentence, and falls back to the extractive answer if none survive."""

    def __init__(self, name: str, backend: ChatBackend, extractive: ExtractiveGenerator,
                 options: LLMOptions | None = None) -> None:
        self.name = name
        self.backend = backend
        self.extractive = extractive
        self.options = options or LLMOptions()

    def generate(self, ctx: AnswerContext, passages: list[Passage],
                 on_token: TokenSink | None = None) -> Draft:
        fallback = self.extractive.generate(ctx, passages)  # fills ctx.units/scores; no model call
        if fallback.abstained or fallback.general:  # general steps are quoted, signposted, not written
            return fallback
        sources = prompt_sources(ctx, fallback.plan)
        t0 = time.perf_counter()
        raw, first = self._write(build_messages(ctx.question, sources, fallback.plan), on_token)
        timings = {"llm_first_token": first if first is not None else time.perf_counter() - t0,
                   "llm": time.perf_counter() - t0}
        result = check_answer(raw, [s.as_source() for s in sources], self.options.min_overlap,
                              self.options.replace_overlap)
        log.info("%s wrote %d sentence(s): %d kept, %d replaced, %d removed", self.name,
                 result.checked, result.count("kept"), result.count("replaced"),
                 result.count("removed"))
        stats = {"sentences_checked": result.checked, "sentences_removed": result.count("removed"),
                 "sentences_replaced": result.count("replaced")}
        if not result.survived:
            fallback.notices.append("The written answer did not pass the citation check, so the "
                                    "guidance is quoted instead.")
            fallback.check = {**stats, "fallback": True}
            fallback.raw = raw
            fallback.timings.update(timings)
            return fallback
        body, cites = self._compose(result, sources)
        notice = removal_notice(result)
        return Draft(body, cites, fallback.support, notices=[notice] if notice else [],
                     check={**stats, "fallback": False}, raw=raw, timings=timings)

    def _write(self, messages: list[dict[str, str]],
               on_token: TokenSink | None) -> tuple[str, float | None]:
        t0 = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        for piece in self.backend.stream(messages):
            if first is None and piece.strip():
                first = time.perf_counter() - t0
            pieces.append(piece)
            if on_token:
                on_token("".join(pieces))
        return "".join(pieces).strip(), first

    def _compose(self, result: CheckResult, sources: list[PromptSource]) -> tuple[str, list[Citation]]:
        """Kept sentences with their citation renumbered; replaced ones become the quote itself."""
        by_number = {s.number: s for s in sources}
        cites: list[Citation] = []
        marker_of: dict[tuple[str, int, int], int] = {}
        lines: list[str] = []
        for s in result.sentences:
            if s.status == "removed" or s.source is None or s.quote is None:
                continue
            unit = by_number[s.source].units[s.quote]
            key = (unit.chunk.chunk_id, unit.start, unit.end)
            if key not in marker_of:
                marker_of[key] = len(cites) + 1
                doc = self.extractive.manifest.doc(unit.chunk.doc_id)
                cites.append(make_citation(marker_of[key], unit.chunk, unit.start, unit.end, doc))
            m = marker_of[key]
            if s.status == "kept":
                lines.append(_cite(s.text, m))
            elif f"[{m}]" not in "\n".join(lines):  # a replaced sentence shows its quote once
                lines.append(f"“{' '.join(unit.text.split())}” [{m}]")
        return "\n".join(lines), cites


def _cite(text: str, marker: int) -> str:
    """`text` with [marker] before its closing full stop."""
    body = text.rstrip()
    end = body[-1] if body and body[-1] in ".!?" else ""
    return f"{body[:len(body) - len(end)].rstrip()} [{marker}]{end}"
