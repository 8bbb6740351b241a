"""Which documents in a question's scope the committed index holds.

An answer never claims to have searched an edition the index does not hold (an ingest was stopped,
or has not run since `corpus sync`); it says so instead: "KCSIE 2025 is not indexed yet: run
`safeguide ingest`."
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from assistant.editions import EditionRegistry

RUN_INGEST = "run `safeguide ingest`"


@dataclass(frozen=True)
class IndexGaps:
    missing: tuple[str, ...] = ()  # document ids in scope that are not indexed
    unsearched: frozenset[str] = frozenset()  # edition labels none of whose documents is indexed
    notice: str = ""
    nothing_indexed: bool = False  # no document in scope is indexed

    def notices(self) -> list[str]:
        return [self.notice] if self.notice else []


def index_gaps(doc_ids: Collection[str], indexed: Collection[str],
               registry: EditionRegistry) -> IndexGaps:
    """The gaps between a scope's documents and the documents the index holds."""
    missing = tuple(d for d in doc_ids if d not in indexed)
    if not missing:
        return IndexGaps()
    by_label: dict[str, list[str]] = {}
    for doc_id in doc_ids:
        doc = registry.manifest.doc(doc_id)
        by_label.setdefault(registry.label(doc.series, doc.edition), []).append(doc_id)
    whole = [label for label, ids in by_label.items() if all(i in missing for i in ids)]
    part = [f"{label} ({', '.join(i for i in ids if i in missing)} not yet)"
            for label, ids in by_label.items()
            if label not in whole and any(i in missing for i in ids)]
    clauses = [f"{_join(whole)} {_be(whole)} not indexed yet"] if whole else []
    clauses += [f"{_join(part)} {_be(part)} only partly indexed"] if part else []
    return IndexGaps(missing, frozenset(whole), "; ".join(clauses) + f": {RUN_INGEST}.",
                     len(missing) == len(doc_ids))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _be(items: list[str]) -> str:
    return "is" if len(items) == 1 else "are"
