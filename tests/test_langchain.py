"""The LangChain retriever and answer Runnable in LCEL chains with langchain-core's fake chat model."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from assistant.api.tools import GuidanceTools
from assistant.cite import quote_in_pages
from assistant.errors import SafeguideError
from assistant.integrations.langchain import (
    CITATION_FIELDS,
    SafeguideRetriever,
    answer_runnable,
    format_docs,
)

PROMPT = ChatPromptTemplate.from_messages([
    ("system", "Answer only from the sources and cite them as [n].\n\n{context}"),
    ("human", "{question}"),
])


@pytest.fixture(scope="module")
def tools(tiny: Any) -> GuidanceTools:
    return GuidanceTools(tiny)


def test_retriever_documents_carry_citation_fields(tools: GuidanceTools, tiny: Any) -> None:
    docs = SafeguideRetriever(tools=tools, k=2).invoke("Who must notify Ofsted of a serious incident?")
    assert 1 <= len(docs) <= 2 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert set(CITATION_FIELDS) <= set(top.metadata)
    assert top.metadata["doc_id"] == "working-together-2023" and top.metadata["edition"] == "2023"
    assert top.metadata["paragraph"] == "3" and top.metadata["page"] == 2
    assert "notify Ofsted" in top.page_content and top.id == top.metadata["chunk_id"]
    # the text is the stored paragraph: it is on the cited page word for word
    assert quote_in_pages(top.page_content, tiny.retriever.pages("working-together-2023"),
                          top.metadata["page"], top.metadata["page_end"])


def test_retriever_edition_scope(tools: GuidanceTools) -> None:
    assert SafeguideRetriever(tools=tools, edition="2023").invoke("assessment timeframe")
    with pytest.raises(SafeguideError, match="not held|no .*edition|does not hold|2010"):
        SafeguideRetriever(tools=tools, edition="2010").invoke("assessment timeframe")


def test_retriever_in_an_lcel_chain_with_a_fake_chat_model(tools: GuidanceTools) -> None:
    seen: list[str] = []

    def spy(prompt: Any) -> Any:
        seen.append(prompt.to_string())
        return prompt

    llm = FakeListChatModel(responses=["No longer than 45 working days from referral [1]."])
    retriever = SafeguideRetriever(tools=tools, k=3)
    chain = ({"context": retriever | format_docs, "question": RunnablePassthrough()}
             | PROMPT | RunnableLambda(spy) | llm | StrOutputParser())
    out = chain.invoke("How long can an assessment take from referral?")
    assert out == "No longer than 45 working days from referral [1]."
    prompt = seen[0]
    assert "Source [1] — WT 2023 test (2023), page 1, paragraph 2:" in prompt
    assert "45 working days from the point of referral" in prompt


def test_answer_runnable_in_a_chain(tools: GuidanceTools) -> None:
    answer = answer_runnable(tools)
    data = answer.invoke("How long can an assessment take from referral?")
    assert not data["abstained"] and data["citations"][0]["verified"]
    assert "45 working days" in data["citations"][0]["quote"]
    # cited answer -> a fake model asked to restate it; the quotes travel with it
    llm = FakeListChatModel(responses=["It is 45 working days [1]."])
    restate = ChatPromptTemplate.from_messages([("human", "Restate briefly, keeping [n]: {answer}")])
    chain = answer | {"summary": restate | llm | StrOutputParser(),
                      "citations": RunnableLambda(lambda d: d["citations"])}
    out = chain.invoke({"question": "How long can an assessment take?", "edition": "2023"})
    assert out["summary"] == "It is 45 working days [1]."
    assert out["citations"] and all(c["verified"] for c in out["citations"])
    batch = answer.batch(["Who are the safeguarding partners?", "What must be notified to Ofsted?"])
    assert all(b["citations"] for b in batch)
    with pytest.raises(SafeguideError, match="question"):
        answer.invoke({"q": "no question key"})


def test_retriever_and_runnable_source_scope(tiny_local: Any) -> None:
    tools = GuidanceTools(tiny_local)
    query = "How quickly is a strategy discussion held in Northshire?"
    local = SafeguideRetriever(tools=tools, source="local", k=3).invoke(query)
    assert local and {d.metadata["source"] for d in local} == {"local"}
    assert "within 2 working days" in local[0].page_content
    national = SafeguideRetriever(tools=tools, source="national", k=3).invoke(query)
    assert national and {d.metadata["source"] for d in national} == {"national"}
    data = answer_runnable(tools).invoke({"question": query, "source": "local"})
    assert data["citations"] and all(c["doc_id"].startswith("local-") for c in data["citations"])
    with pytest.raises(SafeguideError, match="source 'county' is not known"):
        SafeguideRetriever(tools=tools, source="county").invoke(query)
