"""The load benchmark's bare anchor (`benchmarks/anchors.py`) answers the same JSON as the API's browse
for the same query, on both databases: the ratio `benchmarks/load.py` prints compares like with like."""

from __future__ import annotations

from litestar.testing import TestClient

from benchmarks.anchors import bare_app
from market.config import Settings
from tests.factories import initiative
from tests.people import anonymously, make_person


def test_the_bare_anchor_answers_the_apis_page(client: TestClient, settings: Settings) -> None:
    leader = make_person(settings, "project_leader")
    for n in range(3):
        client.post("/api/initiatives", json=initiative(title=f"Épicerie solidaire n° {n}")).raise_for_status()
    owned = client.post("/api/initiatives", headers=leader.headers,
                        json=initiative(title="Ressourcerie du quartier", skills_needed=["comptabilité"]))
    owned.raise_for_status()
    client.post("/api/initiatives", json=initiative(title="Autre stade", maturity="idea")).raise_for_status()

    with anonymously(client):
        api = client.get("/api/initiatives", params={"maturity": "launch"}).json()
    with TestClient(bare_app(settings.database_url)) as bare:
        anchor = bare.get("/bare/initiatives", params={"maturity": "launch"}).json()

    assert api["total"] == 4 and len(api["items"]) == 4
    assert any(item["organisation"] for item in api["items"])
    assert any(item["skills_normalised"] for item in api["items"])
    assert anchor == api
