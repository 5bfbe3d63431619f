"""Service endpoints: health, vocabulary, OpenAPI."""

from __future__ import annotations

import json
from pathlib import Path

from litestar.testing import TestClient

from market.vocabulary import LABELS


def test_health_reports_database_and_model(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["embedding_model"] == "loaded"
    assert body["version"]


def test_vocabulary_lists_every_code_with_french_labels(client: TestClient) -> None:
    body = client.get("/api/vocabulary").json()
    shipped = json.loads((Path(__file__).parents[1] / "matching" / "vocabulary.json").read_text(encoding="utf-8"))
    for name in ("maturity", "economic_purpose", "org_form", "stance", "theme", "need"):
        assert [item["code"] for item in body[name]] == list(shipped[name])
        assert [item["label"] for item in body[name]] == list(shipped[name].values())
    assert body["skills"] == shipped["skills"]
    assert LABELS["stance"]["advocacy"].startswith("CONTRE")


def test_openapi_document_and_browsable_page(client: TestClient) -> None:
    document = client.get("/schema/openapi.json")
    assert document.status_code == 200
    spec = document.json()
    assert spec["openapi"].startswith("3.1")
    for path in ("/api/initiatives", "/api/support-providers", "/api/takeover-opportunities",
                 "/api/volunteer-offers", "/api/territories", "/api/vocabulary", "/health"):
        assert path in spec["paths"], path
    page = client.get("/schema")
    assert page.status_code == 200
    assert "swagger-ui" in page.text
    assert "cdn." not in page.text
