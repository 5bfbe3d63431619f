"""The national territory reference: look-up and containment filters."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from api.app import create_app
from market.config import Settings
from tests.factories import initiative, support_provider, volunteer_offer


def ids(client: TestClient, q: str, limit: int = 10) -> list[str]:
    response = client.get("/api/territories", params={"q": q, "limit": limit})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("q", ["hericourt", "Héricourt", "HÉRICOURT", "70400"])
def test_finds_hericourt_by_name_or_postal_code(client: TestClient, q: str) -> None:
    assert ids(client, q)[0] == "commune:70285"


@pytest.mark.parametrize("q", ["st maur", "saint maur", "St-Maur"])
def test_abbreviated_saints_and_the_largest_town_first(client: TestClient, q: str) -> None:
    # Saint-Maur-des-Fossés (94068, 76,000 people) before the villages named Saint-Maur
    assert ids(client, q)[0] == "commune:94068"


def test_finds_every_level(client: TestClient) -> None:
    assert "epci:247000722" in ids(client, "pays d'hericourt")
    assert ids(client, "200069052") == ["epci:200069052"]
    assert "department:90" in ids(client, "territoire de belfort")
    assert "region:27" in ids(client, "bourgogne franche")
    assert ids(client, "sucy")[0] == "commune:94071"
    paris_18 = client.get("/api/territories", params={"q": "75018"}).json()["items"][0]
    assert paris_18["code"] == "75118" and paris_18["department"] == "75" and paris_18["region"] == "11"


def test_reference_is_national(client: TestClient) -> None:
    belfort = client.get("/api/territories", params={"q": "90010"}).json()["items"][0]
    assert belfort["name"] == "Belfort" and belfort["epci"] == "200069052"
    assert abs(belfort["lat"] - 47.6386) < 0.01 and abs(belfort["lon"] - 6.8628) < 0.01
    for q, code in [
        ("lyon 3e", "69383"),
        ("marseille 1er", "13201"),
        ("ajaccio", "2A004"),
        ("pointe-a-pitre", "97120"),
    ]:
        assert f"commune:{code}" in ids(client, q), q


def test_territory_filter_contains(client: TestClient) -> None:
    client.post("/api/initiatives", json=initiative(title="Belfort"))  # 90010, CA Grand Belfort
    client.post("/api/initiatives", json=initiative(title="Héricourt", commune="70285"))
    client.post("/api/initiatives", json=initiative(title="Sucy", commune="94071"))
    client.post("/api/initiatives", json=initiative(title="Paris 18e", commune="75118"))

    def titles(territory: str) -> list[str]:
        response = client.get("/api/initiatives", params={"territory": territory, "sort": "title"})
        assert response.status_code == 200, response.text
        return [i["title"] for i in response.json()["items"]]

    assert titles("200069052") == ["Belfort"]
    assert titles("90") == ["Belfort"]
    assert titles("department:70") == ["Héricourt"]
    assert titles("27") == ["Belfort", "Héricourt"]  # region Bourgogne-Franche-Comté
    assert titles("region:11") == ["Paris 18e", "Sucy"]
    assert titles("94") == ["Sucy"]
    assert titles("75056") == ["Paris 18e"]  # Paris contains its arrondissements
    assert titles("department:75") == ["Paris 18e"]
    assert titles("90010") == ["Belfort"]


def test_territory_filter_on_provider_areas_and_points(client: TestClient) -> None:
    client.post("/api/support-providers", json=support_provider(name="Départemental 90"))
    client.post("/api/support-providers", json=support_provider(name="National", area={"national": True}))
    client.post("/api/support-providers", json=support_provider(name="Val-de-Marne", area={"departments": ["94"]}))
    client.post("/api/volunteer-offers", json=volunteer_offer(commune="94071"))

    def names(territory: str) -> list[str]:
        items = client.get("/api/support-providers", params={"territory": territory, "sort": "title"}).json()["items"]
        return [i["name"] for i in items]

    assert names("90010") == ["Départemental 90", "National"]
    assert names("region:27") == ["Départemental 90", "National"]
    assert names("200054781") == ["National", "Val-de-Marne"]  # Métropole du Grand Paris reaches into 94
    assert client.get("/api/volunteer-offers", params={"territory": "94"}).json()["total"] == 1
    assert client.get("/api/volunteer-offers", params={"territory": "90"}).json()["total"] == 0


def test_a_postal_code_filter_means_the_communes_of_that_postal_code(client: TestClient) -> None:
    """`70400` is Héricourt's postal code and the INSEE code of Ouge (a village): as the territory search
    reads it, the filter takes the postal code, and the response says which reading it took."""
    client.post("/api/initiatives", json=initiative(title="Héricourt", commune="70285"))
    client.post("/api/initiatives", json=initiative(title="Ouge", commune="70400"))
    client.post("/api/initiatives", json=initiative(title="Sucy", commune="94071"))

    def read(territory: str) -> tuple[list[str], str | None]:
        response = client.get("/api/initiatives", params={"territory": territory, "sort": "title"})
        assert response.status_code == 200, response.text
        return [i["title"] for i in response.json()["items"]], response.headers.get("territory-read-as")

    assert read("70400") == (["Héricourt"], "postal:70400")
    assert read("postal:70400") == (["Héricourt"], "postal:70400")
    assert read("commune:70400") == (["Ouge"], "commune:70400")
    assert read("94071") == (["Sucy"], "commune:94071")  # no commune has 94071 as its postal code
    assert read("94370") == (["Sucy"], "postal:94370")
    assert read("department:70") == (["Héricourt", "Ouge"], "department:70")
    missing = client.get("/api/initiatives", params={"territory": "postal:99999"})
    assert missing.status_code == 400 and missing.json()["field"] == "territory"


def test_the_index_is_built_once_under_concurrent_first_searches(settings: Settings) -> None:
    """After a restart under load, every first search used to build its own index of the 35,000 communes."""
    builds: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM communes" in statement and "WHERE" not in statement:  # the index reads every commune
            builds.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        with TestClient(create_app(settings)) as client:
            assert client.app.state.territory_index is None
            with ThreadPoolExecutor(8) as pool:
                found = list(pool.map(lambda _: ids(client, "belfort"), range(8)))
            assert all(f and f == found[0] for f in found)
            assert len(builds) == 1  # one build for the eight concurrent first searches
            assert ids(client, "belf")
            assert len(builds) == 1  # then kept
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
