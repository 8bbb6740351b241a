"""LangChain adapters: a retriever whose Documents carry citation fields, and a Runnable answer.

    from assistant.integrations.langchain import SafeguideRetriever, answer_runnable, format_docs
    retriever = SafeguideRetriever.from_settings(edition="2023", k=4)
    chain = {"context": retriever | format_docs, "question": RunnablePassthrough()} | prompt | llm

Documents' metadata: doc_id, title, edition, source, page, page_end, paragraph, section, chunk_id,
score. `source="national"` or `"local"` scopes the retriever to national guidance or to the local
documents added with `safeguide add` (default "all"). `answer_runnable` returns the
`safeguide ask --json` object for a question (str, or a dict with "question" and optional
"edition", "as_of", "source").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda
from pydantic import ConfigDict

from assistant.api.tools import GuidanceTools, passage_json
from assistant.errors import SafeguideError
from assistant.settings import Settings

CITATION_FIELDS = ("doc_id", "title", "edition", "source", "page", "page_end", "paragraph", "section",
                   "chunk_id", "score")


class SafeguideRetriever(BaseRetriever):
    """safeguide's hybrid retrieval (dense + BM25, reranked) within one edition scope."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    tools: GuidanceTools
    edition: str | None = None  # "2018", "kcsie-2024"...; None: the editions in force today
    as_of: date | None = None  # or: the editions in force on this date
    source: str = "all"  # "all", "national" or "local" (the documents added with `safeguide add`)
    k: int = 5

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **kwargs: Any) -> SafeguideRetriever:
        from assistant.service import Assistant

        return cls(tools=GuidanceTools(Assistant(settings or Settings())), **kwargs)

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        docs = []
        for p in self.tools.passages(query, self.edition, self.k, self.as_of, self.source):
            data = passage_json(p)
            text = data.pop("text")
            docs.append(Document(page_content=text, id=p.chunk.chunk_id,
                                 metadata={k: data[k] for k in CITATION_FIELDS}))
        return docs


def cite(doc: Document) -> str:
    """'Working Together to Safeguard Children 2023, page 45, paragraph 162'."""
    m = doc.metadata
    parts = [f"{m.get('title', '')} ({m.get('edition', '')})"]
    if m.get("page") is not None:
        parts.append(f"page {m['page']}")
    if m.get("paragraph"):
        parts.append(f"paragraph {m['paragraph']}")
    elif m.get("section"):
        parts.append(f"section “{m['section']}”")
    return ", ".join(parts)


def format_docs(docs: Sequence[Document]) -> str:
    """Passages for a prompt: `Source [n] — citation:` then the text; cite them as [n]."""
    return "\n\n".join(f"Source [{n}] — {cite(d)}:\n{d.page_content}" for n, d in enumerate(docs, 1))


def answer_runnable(tools: GuidanceTools) -> RunnableLambda[Any, dict[str, Any]]:
    """A Runnable: question (str or {"question", "edition"?, "as_of"?, "source"?}) -> the ask --json
    object.

    Invalid input raises `SafeguideError` (its message says what to fix)."""

    def answer(value: str | dict[str, Any]) -> dict[str, Any]:
        if isinstance(value, str):
            return tools.ask(value)
        if not isinstance(value, dict) or not isinstance(value.get("question"), str):
            raise SafeguideError('Give a question string, or {"question": "...", "edition": "..."}.')
        return tools.ask(value["question"], value.get("edition"), value.get("as_of"),
                         value.get("source"))

    return RunnableLambda(answer, name="safeguide_answer")
