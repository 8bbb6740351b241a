"""The JSON HTTP API over the tiny fake-model corpus: success, bad input, login."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.http import LoginRequired, create_api
from assistant.api.tools import GuidanceTools
from assistant.cite import quote_in_pages

QUESTION = "How long can an assessment take from referral?"


@pytest.fixture(scope="module")
def client(tiny: Any) -> TestClient:
    return TestClient(create_api(GuidanceTools(tiny)))


@pytest.fixture(scope="module")
def locked(tiny: Any) -> TestClient:
    app = create_api(GuidanceTools(tiny))
    app.add_middleware(LoginRequired, users=[("ann", "long-password"), ("raj", "another")])
    return TestClient(app)


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_ask_returns_the_ask_json_object_with_verified_quotes(client: TestClient, tiny: Any) -> None:
    r = client.post("/api/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    data = r.json()
    same = tiny.ask(QUESTION).as_json()
    assert set(data) == set(same) | {"question"}  # the `ask --json` object, plus the question
    assert data["answer"] == same["answer"] and not data["abstained"]
    cite = data["citations"][0]
    assert "45 working days" in cite["quote"] and cite["verified"]
    assert quote_in_pages(cite["quote"], tiny.retriever.pages(cite["doc_id"]), cite["page"],
                          cite["page_end"])


def test_ask_with_edition_and_date(client: TestClient) -> None:
    r = client.post("/api/v1/ask", json={"question": QUESTION, "edition": "2023"})
    assert r.status_code == 200 and r.json()["citations"][0]["edition"] == "2023"
    r = client.post("/api/v1/ask", json={"question": QUESTION, "as_of": "2024-01-10"})
    assert r.status_code == 200 and not r.json()["abstained"]


@pytest.mark.parametrize(("body", "code", "message"), [
    ({"question": "   "}, 400, "The question is empty"),
    ({"question": "x" * 5000}, 400, "the limit is 2,000"),
    ({}, 422, "question is required."),
    ({"question": QUESTION, "as_of": "last year"}, 422, "as_of:"),
    ({"question": 42}, 422, "question:"),
])
def test_bad_ask_input_gets_one_clear_line(client: TestClient, body: dict[str, Any], code: int,
                                           message: str) -> None:
    r = client.post("/api/v1/ask", json=body)
    assert r.status_code == code, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and message in detail


def test_body_that_is_not_json(client: TestClient) -> None:
    r = client.post("/api/v1/ask", content=b"question=hello",
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and "not valid JSON" in r.json()["detail"]


def test_search_editions_documents_compare(client: TestClient) -> None:
    r = client.get("/api/v1/search", params={"q": "notify Ofsted serious incident", "k": 2})
    assert r.status_code == 200
    top = r.json()[0]
    assert top["doc_id"] == "working-together-2023" and "Ofsted" in top["text"]
    assert {"page", "paragraph", "edition", "chunk_id", "title"} <= set(top)
    assert client.get("/api/v1/search", params={"q": "x", "k": 0}).status_code == 422
    eds = client.get("/api/v1/editions").json()
    assert any(e["series"] == "kcsie" and e["edition"] == "2025" for e in eds)
    docs = client.get("/api/v1/documents").json()
    assert [d["doc_id"] for d in docs] == ["working-together-2023"]
    r = client.get("/api/v1/compare", params={"series": "nonsense", "old": "1", "new": "2"})
    assert r.status_code == 400 and "Unknown series" in r.json()["detail"]
    r = client.get("/api/v1/compare", params={"series": "kcsie", "old": "2024", "new": "2025"})
    assert r.status_code == 400 and "not held" in r.json()["detail"]
    assert client.get("/api/v1/compare", params={"series": "kcsie"}).status_code == 422


def test_openapi_schema_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/ask", "/api/v1/editions", "/api/v1/compare", "/api/v1/documents",
            "/api/v1/search"} <= set(paths)


def test_login_is_required_when_set(locked: TestClient) -> None:
    r = locked.post("/api/v1/ask", json={"question": QUESTION})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    assert "Sign in" in r.json()["detail"]
    assert locked.get("/api/v1/editions", headers=basic("ann", "wrong")).status_code == 401
    assert locked.get("/api/v1/editions", headers={"Authorization": "Basic !!"}).status_code == 401
    assert locked.get("/api/v1/openapi.json").status_code == 401
    r = locked.post("/api/v1/ask", json={"question": QUESTION}, headers=basic("raj", "another"))
    assert r.status_code == 200 and r.json()["citations"]


LOCAL_QUESTION = "How quickly is a strategy discussion held in Northshire?"


@pytest.fixture(scope="module")
def with_local(tiny_local: Any) -> TestClient:
    return TestClient(create_api(GuidanceTools(tiny_local)))


def test_ask_source_scopes_to_national_or_local(with_local: TestClient) -> None:
    local = with_local.post("/api/v1/ask", json={"question": LOCAL_QUESTION, "source": "local"}).json()
    assert not local["abstained"] and local["citations"]
    assert all(c["doc_id"].startswith("local-") and c["verified"] for c in local["citations"])
    assert "within 2 working days" in local["citations"][0]["quote"]
    national = with_local.post("/api/v1/ask", json={"question": LOCAL_QUESTION,
                                                     "source": "national"}).json()
    assert not any(c["doc_id"].startswith("local-") for c in national["citations"])
    assert "Northshire" not in national["answer"]
    both = with_local.post("/api/v1/ask", json={"question": LOCAL_QUESTION}).json()  # default: all
    assert "Your local documents:" in both["answer"]


def test_search_source_scopes_the_passages(with_local: TestClient) -> None:
    def sources(**params: Any) -> set[str]:
        r = with_local.get("/api/v1/search", params={"q": "strategy discussion timescales", **params})
        assert r.status_code == 200, r.text
        return {p["source"] for p in r.json()}

    assert sources(source="local") == {"local"}
    assert sources(source="national") == {"national"}
    assert sources(k=8) == {"local", "national"}


def test_unknown_source_is_one_line(with_local: TestClient) -> None:
    r = with_local.post("/api/v1/ask", json={"question": LOCAL_QUESTION, "source": "regional"})
    assert r.status_code == 422 and r.json()["detail"].startswith("source: Input should be")
    r = with_local.get("/api/v1/search", params={"q": "strategy", "source": "everything"})
    assert r.status_code == 422 and "source" in r.json()["detail"]


def test_local_source_without_local_documents_says_so(client: TestClient) -> None:
    r = client.post("/api/v1/ask", json={"question": QUESTION, "source": "local"})
    assert r.status_code == 200 and r.json()["abstained"]
    assert "No local documents are held" in r.json()["answer"]
    r = client.get("/api/v1/search", params={"q": "assessment", "source": "local"})
    assert r.status_code == 400 and "No local documents are held" in r.json()["detail"]


def test_documents_lists_local_ones_with_their_index_state(with_local: TestClient) -> None:
    docs = {d["doc_id"]: d for d in with_local.get("/api/v1/documents").json()}
    national = docs["working-together-2023"]
    (local,) = [d for d in docs.values() if d["source"] == "local"]
    assert national["source"] == "national" and national["state"] == "indexed"
    assert local["state"] == "indexed" and local["chunks"] > 0 and local["detail"] == ""
    assert local["title"] == "Referral and assessment" and local["publication_page"] is None
