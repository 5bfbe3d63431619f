"""The served OpenAPI document says what the app answers: problem+json errors, how to authenticate,
which ids are valid, which filters a kind applies, closed request bodies (api/openapi.py)."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

PROBLEM = {"$ref": "#/components/schemas/Problem"}


def document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def test_errors_are_declared_as_problem_documents(client: TestClient) -> None:
    doc = document(client)
    assert {"type", "title", "status", "detail", "instance"} <= set(doc["components"]["schemas"]["Problem"]["required"])
    update = doc["paths"]["/api/initiatives/{listing_id}"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "415", "503"} <= set(update)
    for status, response in update.items():
        if not status.startswith("2"):
            assert response["content"] == {"application/problem+json": {"schema": PROBLEM}}, status
    assert "429" in doc["paths"]["/api/auth/login"]["post"]["responses"]
    assert "400" in doc["paths"]["/api/stripe/webhook"]["post"]["responses"]
    # what an error answer really is fits the schema it is declared with
    refused = client.get("/api/initiatives/abc")
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert set(doc["components"]["schemas"]["Problem"]["required"]) <= set(refused.json())


def test_security_schemes_are_the_session_with_its_csrf_header_and_bearer_tokens(client: TestClient) -> None:
    doc = document(client)
    schemes = doc["components"]["securitySchemes"]
    assert schemes["csrf"] == {**schemes["csrf"], "type": "apiKey", "in": "header", "name": "X-CSRFToken"}
    assert schemes["session"]["in"] == "cookie"
    assert schemes["bearer"]["scheme"] == "bearer"
    write = doc["paths"]["/api/initiatives"]["post"]["security"]
    assert {"bearer": []} in write and {"session": [], "csrf": []} in write and {} not in write


def test_path_ids_say_which_are_valid(client: TestClient) -> None:
    doc = document(client)
    (listing_id,) = doc["paths"]["/api/initiatives/{listing_id}"]["get"]["parameters"]
    pattern = listing_id["schema"]["pattern"]
    assert re.fullmatch(pattern, "42") and not re.fullmatch(pattern, "²") and not re.fullmatch(pattern, "1" * 40)
    assert client.get("/api/initiatives/²").status_code == 400


def test_a_kind_documents_only_its_filters_and_bodies_refuse_unknown_fields(client: TestClient) -> None:
    doc = document(client)
    offers = {p["name"] for p in doc["paths"]["/api/volunteer-offers"]["get"]["parameters"]}
    assert "remote_ok" in offers and "maturity" not in offers and "need" not in offers
    assert doc["components"]["schemas"]["InitiativeCreate"]["additionalProperties"] is False
    export = doc["paths"]["/api/initiatives/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv", "application/geo+json"}


def test_request_bodies_carry_msgspec_constraints_of_items_and_numbers(client: TestClient) -> None:
    schemas = document(client)["components"]["schemas"]
    skills = schemas["VolunteerOfferCreate"]["properties"]["skills"]
    assert skills["items"]["maxLength"] == 100 and skills["items"]["minLength"] == 1
    assert schemas["PledgeCreate"]["properties"]["amount_cents"]["minimum"] == 1
    refs = {value for schema in schemas.values() for value in _refs(schema)}
    assert {ref.rsplit("/", 1)[1] for ref in refs} <= set(schemas)  # every reference resolves


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_the_swagger_page_shows_the_same_document(client: TestClient) -> None:
    page = client.get("/schema")
    assert page.status_code == 200
    assert "application/problem+json" in page.text and "X-CSRFToken" in page.text
