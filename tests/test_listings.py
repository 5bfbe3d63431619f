"""The four listing resources over HTTP: create, read, browse, filter, update, archive."""

from __future__ import annotations

import csv
import io

import pytest
from litestar.testing import TestClient

from tests.factories import BODIES, RESOURCES, initiative, support_provider, takeover, volunteer_offer
from tests.people import anonymously


@pytest.mark.parametrize("resource", RESOURCES)
def test_create_read_update_archive(client: TestClient, resource: str) -> None:
    created = client.post(f"/api/{resource}", json=BODIES[resource]())
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["status"] == "published"  # the development auto-publish setting of this fixture
    assert "contact" not in item and "contact_email" not in item
    assert client.get(f"/api/{resource}/{item['id']}").json() == item

    patched = client.patch(f"/api/{resource}/{item['id']}", json={"themes": ["energy"]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["themes"] == ["energy"]
    unchanged = {k: v for k, v in patched.json().items() if k not in ("themes", "updated_at")}
    assert unchanged == {k: v for k, v in item.items() if k not in ("themes", "updated_at")}

    archived = client.delete(f"/api/{resource}/{item['id']}")
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    with anonymously(client):
        assert client.get(f"/api/{resource}/{item['id']}").status_code == 404
    assert client.get(f"/api/{resource}").json()["total"] == 0


@pytest.mark.parametrize("resource", RESOURCES)
def test_new_listings_wait_for_review(moderated_client: TestClient, resource: str) -> None:
    created = moderated_client.post(f"/api/{resource}", json=BODIES[resource]())
    assert created.status_code == 201
    assert created.json()["status"] == "pending_review"
    assert created.json()["published_at"] is None
    assert moderated_client.get(f"/api/{resource}").json()["total"] == 0
    with anonymously(moderated_client):
        assert moderated_client.get(f"/api/{resource}/{created.json()['id']}").status_code == 404


def test_patch_distinguishes_not_sent_from_null(client: TestClient) -> None:
    item = client.post("/api/initiatives", json=initiative(siren="732829320")).json()
    assert item["funding_goal_cents"] == 2_500_000 and item["siren"] == "732829320"
    kept = client.patch(f"/api/initiatives/{item['id']}", json={"team_size": 15}).json()
    assert kept["funding_goal_cents"] == 2_500_000 and kept["siren"] == "732829320"
    cleared = client.patch(f"/api/initiatives/{item['id']}", json={"funding_goal_cents": None, "siren": None}).json()
    assert cleared["funding_goal_cents"] is None and cleared["siren"] is None
    assert cleared["team_size"] == 15


def test_initiative_carries_the_whole_profile(client: TestClient) -> None:
    item = client.post("/api/initiatives", json=initiative(rna="W901234567")).json()
    assert item["place"]["name"] == "Belfort" and item["place"]["department"] == "90"
    assert item["needs"] == ["premises", "funding", "skills"]
    assert {"text": "compta asso", "skill": "comptabilité", "score": 90} in item["skills_normalised"]
    assert item["rna"] == "W901234567"


def test_filters_by_codes(client: TestClient) -> None:
    client.post("/api/initiatives", json=initiative())
    client.post("/api/initiatives", json=initiative(title="Cantine militante", stance="advocacy",
                                                   maturity="idea", needs=["communication"], themes=["food"]))
    assert client.get("/api/initiatives", params={"stance": "advocacy"}).json()["total"] == 1
    assert client.get("/api/initiatives", params={"maturity": "launch"}).json()["total"] == 1
    assert client.get("/api/initiatives", params={"theme": "food"}).json()["total"] == 2
    assert client.get("/api/initiatives", params={"theme": "solidarity"}).json()["total"] == 1
    both = client.get("/api/initiatives", params=[("need", "premises"), ("need", "funding")]).json()
    assert [i["title"] for i in both["items"]] == ["Épicerie solidaire des Résidences"]
    assert client.get("/api/initiatives", params=[("need", "premises"), ("need", "communication")]).json()["total"] == 0


def test_candidate_filters_read_accepted_lists(client: TestClient) -> None:
    client.post("/api/support-providers", json=support_provider())
    client.post("/api/support-providers", json=support_provider(name="Réseau national", maturities=[],
                                                                area={"national": True}, offers=["training"]))
    assert client.get("/api/support-providers", params={"maturity": "idea"}).json()["total"] == 1
    assert client.get("/api/support-providers", params={"maturity": "launch"}).json()["total"] == 2
    assert client.get("/api/support-providers", params={"need": "legal_structuring"}).json()["total"] == 1
    client.post("/api/takeover-opportunities", json=takeover())
    assert client.get("/api/takeover-opportunities", params={"maturity": "emergence"}).json()["total"] == 0
    assert client.get("/api/takeover-opportunities", params={"maturity": "scaling"}).json()["total"] == 1
    client.post("/api/volunteer-offers", json=volunteer_offer(remote_ok=True))
    assert client.get("/api/volunteer-offers", params={"remote_ok": "true"}).json()["total"] == 1


def test_pagination_and_sort(client: TestClient) -> None:
    for letter in "CAB":
        client.post("/api/initiatives", json=initiative(title=f"{letter} — projet"))
    first = client.get("/api/initiatives", params={"page_size": 2, "sort": "title"}).json()
    assert first["total"] == 3 and first["page"] == 1 and first["page_size"] == 2
    assert [i["title"][0] for i in first["items"]] == ["A", "B"]
    second = client.get("/api/initiatives", params={"page_size": 2, "page": 2, "sort": "title"}).json()
    assert [i["title"][0] for i in second["items"]] == ["C"]
    newest = client.get("/api/initiatives", params={"sort": "newest"}).json()
    assert [i["title"][0] for i in newest["items"]] == ["B", "A", "C"]


@pytest.mark.parametrize("params", [{"sort": "title"}, {"sort": "newest"}, {"sort": "oldest"},
                                    {"q": "épicerie vrac"}, {"q": "épicerie", "sort": "title"},
                                    {"territory": "90", "sort": "title"}])
def test_pages_one_by_one_give_the_whole_order(client: TestClient, params: dict[str, str]) -> None:
    """On PostgreSQL a page's ids are taken first and joined afterwards: pages of one, in turn, are the
    whole list in the same order, each with the same total; past the last page, no item and the total."""
    titles = ["Épicerie vrac du marché", "Une épicerie solidaire", "Atelier vélo", "Épicerie et vrac", "Café"]
    for title in titles:
        client.post("/api/initiatives", json=initiative(title=title, description=f"{title} : épicerie vrac"))
    whole = client.get("/api/initiatives", params=params).json()
    assert whole["total"] >= 3, whole
    one_by_one = []
    for page in range(1, whole["total"] + 2):
        answer = client.get("/api/initiatives", params={**params, "page_size": 1, "page": page}).json()
        assert answer["total"] == whole["total"], (page, answer)
        one_by_one += answer["items"]
    assert [i["id"] for i in one_by_one] == [i["id"] for i in whole["items"]]
    assert one_by_one == whole["items"]  # the same fields, commune and organisation joined


def test_archived_listing_cannot_be_edited(client: TestClient) -> None:
    item = client.post("/api/volunteer-offers", json=volunteer_offer()).json()
    client.delete(f"/api/volunteer-offers/{item['id']}")
    refused = client.patch(f"/api/volunteer-offers/{item['id']}", json={"hours": 10})
    assert refused.status_code == 400
    assert refused.json()["field"] == "status"


def test_provider_area_is_validated_and_kept(client: TestClient) -> None:
    area = {"communes": ["94071", "94028"], "radius_km": 10}
    item = client.post("/api/support-providers", json=support_provider(area=area)).json()
    assert item["area"] == {"national": False, "regions": [], "departments": [], "epcis": [],
                            "communes": ["94071", "94028"], "radius_km": 10}
    refused = client.post("/api/support-providers", json=support_provider(area={"departments": ["90", "999"]}))
    assert refused.status_code == 400
    assert refused.json()["field"] == "area.departments[1]"


@pytest.mark.parametrize("resource", RESOURCES)
def test_export_csv_and_geojson_with_filters(client: TestClient, resource: str) -> None:
    client.post(f"/api/{resource}", json=BODIES[resource](themes=["food"]))
    client.post(f"/api/{resource}", json=BODIES[resource](themes=["culture"]))
    csv_response = client.get(f"/api/{resource}/export", params={"format": "csv"})
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    lines = csv_response.text.strip().splitlines()
    assert lines[0].startswith("id,slug,status") and len(lines) == 3  # the header and the two listings
    geo = client.get(f"/api/{resource}/export", params={"format": "geojson", "theme": "culture"}).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 1
    feature = geo["features"][0]
    assert feature["properties"]["themes"] == ["culture"]
    if resource != "support-providers":
        assert feature["geometry"] == {"type": "Point", "coordinates": [6.8628, 47.6386]}
    assert client.get(f"/api/{resource}/export", params={"format": "xls"}).status_code == 400


def test_csv_cells_that_a_spreadsheet_would_run_are_kept_as_text(client: TestClient) -> None:
    body = initiative(title="=HYPERLINK(\"http://example.org\")",
                      description="+33 rue des Lilas, une épicerie solidaire")
    assert client.post("/api/initiatives", json=body).status_code == 201
    response = client.get("/api/initiatives/export", params={"format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # one charset
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["title"] == "'=HYPERLINK(\"http://example.org\")"
    assert rows[0]["description"].startswith("'+33 rue")
