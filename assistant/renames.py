"""Terms renamed between editions (corpus/renames.yaml): expand queries, flag outdated wording."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

import yaml

from assistant.cite import make_citation, verify
from assistant.glossary import spelled_out
from assistant.records import Citation
from assistant.retrieve import Retriever
from assistant.text import normalise
from corpus.manifest import Manifest

RENAMES_FILE = Path(__file__).resolve().parents[1] / "corpus" / "renames.yaml"


@dataclass(frozen=True)
class Rename:
    old: tuple[str, ...]
    new: str
    since: str
    doc_id: str
    quote: str
    id: str | None = None
    then: str | None = None

    def pattern(self) -> re.Pattern[str] | None:
        if not self.old:
            return None
        alts = "|".join(re.escape(t) if t.isupper() else re.escape(t.lower()) for t in self.old)
        return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")


@cache
def load_renames(path: Path = RENAMES_FILE) -> tuple[Rename, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Rename(**{**r, "old": tuple(r.get("old") or ())}) for r in data["renames"])


def outdated_terms(question: str, renames: tuple[Rename, ...],
                   senses: dict[str, str] | None = None) -> list[tuple[str, Rename]]:
    """(term as typed, rename) for each outdated term in the question; abbreviations match by case,
    unless the question means something else by them (`senses`: the abbreviations as read in it)."""
    found: list[tuple[str, Rename]] = []
    for r in renames:
        pat = r.pattern()
        if pat is None:
            continue
        for text in (question, question.lower()):
            m = pat.search(text)
            if m and (m.group(0).isupper() or text is not question):
                if m.group(0).isupper() and _means_else(question, m.group(0), r, senses or {}):
                    break  # "SCR" written beside "single central record" is not a serious case review
                found.append((question[m.start():m.end()], r))
                break
    return found


def _means_else(question: str, abbr: str, rename: Rename, senses: dict[str, str]) -> bool:
    """The question spells the abbreviation out, or reads it (`senses`), as something other than
    the renamed term."""
    phrase = spelled_out(question, abbr) or senses.get(abbr.rstrip("s"))
    return phrase is not None and phrase.lower() not in {t.lower() for t in rename.old}


def chain(rename: Rename, renames: tuple[Rename, ...]) -> list[Rename]:
    """The rename and any later renames of its new term."""
    out = [rename]
    while out[-1].then and (nxt := next((r for r in renames if r.id == out[-1].then), None)):
        out.append(nxt)
    return out


def expand(query: str, hits: list[tuple[str, Rename]], renames: tuple[Rename, ...]) -> str:
    extra = [r.new for _, hit in hits for r in chain(hit, renames)]
    return f"{query} ({'; '.join(dict.fromkeys(extra))})" if extra else query


def rename_citation(rename: Rename, retriever: Retriever, manifest: Manifest, marker: int) -> Citation | None:
    """The sentence stating the rename, located in its document and verified word for word."""
    want = normalise(rename.quote)
    retriever.ensure_loaded()
    for chunk in retriever.chunks:
        if chunk.doc_id != rename.doc_id or want not in normalise(chunk.text):
            continue
        start = _locate(chunk.text, rename.quote)
        cite = make_citation(marker, chunk, start, start, manifest.doc(chunk.doc_id))
        cite = verify(_with_quote(cite, rename.quote, chunk.page_at(start)), retriever.pages(chunk.doc_id))
        return cite if cite.verified else None
    return None


def _locate(text: str, quote: str) -> int:
    head = " ".join(quote.split()[:3])
    flat = re.sub(r"[*#]+", "", text)
    at = flat.find(head)
    return max(at, 0)


def _with_quote(cite: Citation, quote: str, page: int | None) -> Citation:
    return replace(cite, quote=quote, page=page, page_end=page, role="rename")


def still_used(rename: Rename, renames: tuple[Rename, ...], retriever: Retriever,
               doc_ids: tuple[str, ...]) -> bool:
    """The documents (in force) still use the old term on its own, not beside a new name (KCSIE
    2025 still links "Contextual Safeguarding"): it was renamed, but it is not gone. Read once per
    loaded index."""
    return _still_used(rename, renames, retriever, doc_ids, retriever.loaded_at)


@lru_cache(maxsize=256)
def _still_used(rename: Rename, renames: tuple[Rename, ...], retriever: Retriever,
                doc_ids: tuple[str, ...], loaded_at: float) -> bool:
    pat = rename.pattern()
    wanted = set(doc_ids)
    new = [r.new.split("(")[0].strip().lower().rstrip("s") for r in chain(rename, renames)]
    return pat is not None and any(
        c.doc_id in wanted and (pat.search(c.text.lower()) or pat.search(c.text))
        and not any(n in " ".join(c.text.lower().split()) for n in new) for c in retriever.chunks)


def explain(hits: list[tuple[str, Rename]], renames: tuple[Rename, ...], retriever: Retriever,
            manifest: Manifest, first_marker: int,
            shown: tuple[Citation, ...] = (),
            doc_ids: tuple[str, ...] = ()) -> tuple[list[str], list[Citation]]:
    """One line per outdated term, naming the current term, with a verified citation for each step
    (or the marker of an identical quote the answer already shows); a term the documents in force
    (`doc_ids`) still use is called renamed, not gone."""
    lines: list[str] = []
    cites: list[Citation] = []
    for typed, hit in hits:
        steps = []
        for r in chain(hit, renames):
            same = next((c for c in shown if normalise(c.quote) == normalise(r.quote)), None)
            cite = same or rename_citation(r, retriever, manifest, first_marker + len(cites))
            if cite and not same:
                cites.append(cite)
            ref = f" [{cite.marker}]" if cite else ""
            steps.append(f"{r.new} ({r.since}){ref}")
        if still_used(hit, renames, retriever, doc_ids):
            lines.append(f"Renamed term: “{typed}” became " + ", then ".join(steps)
                         + "; the guidance in force still uses the old term too.")
        else:
            lines.append(f"Outdated term: “{typed}” is no longer used; it became "
                         + ", then ".join(steps) + ".")
    return lines, cites
