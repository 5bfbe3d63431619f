"""The open-data exports as people open them: `;` and a BOM on request, French labels beside the
codes, oui/non, a provider's area, the licence in every file and on /donnees-ouvertes, a geometry for
every GeoJSON feature, one charset in the content type, rows streamed in constant memory."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import UTC, datetime

from litestar.testing import TestClient
from sqlalchemy import insert

from api.export import LICENCE, csv_chunks
from market.config import Settings
from market.db import session_scope
from market.listings.schemas import VolunteerOfferOut
from market.models import VolunteerOffer
from tests.factories import initiative, support_provider, volunteer_offer
from tests.helpers import run


def test_spreadsheet_csv_with_labels_oui_non_and_licence(client: TestClient) -> None:
    assert client.post("/api/initiatives", json=initiative(tax_receipt_eligible=True)).status_code == 201
    response = client.get("/api/initiatives/export", params={"format": "csv", "separator": "semicolon",
                                                             "bom": "true"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "license" in response.headers["link"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;slug;status;")
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["maturity"] == "launch" and row["maturity_libelle"].startswith("Lancement / expérimentation")
    assert row["themes"] == "food|solidarity"
    assert row["themes_libelles"].startswith("Alimentation et agriculture de demain")
    assert row["tax_receipt_eligible"] == "oui" and row["commune_name"] and row["licence"].startswith(LICENCE)
    plain = client.get("/api/initiatives/export", params={"format": "csv"})
    assert not plain.content.startswith(b"\xef\xbb\xbf") and plain.text.startswith("id,slug,status,")
    assert client.get("/api/initiatives/export", params={"separator": "tab"}).status_code == 400


def test_provider_csv_has_its_area_and_geojson_its_geometry(client: TestClient) -> None:
    area = {"departments": ["90"], "communes": ["94071"], "radius_km": 5}
    assert client.post("/api/support-providers", json=support_provider(area=area)).status_code == 201
    assert client.post("/api/support-providers", json=support_provider(area={"national": True})).status_code == 201
    rows = list(csv.DictReader(io.StringIO(client.get("/api/support-providers/export").text)))
    by_national = {row["area_national"]: row for row in rows}
    assert by_national["non"]["area_departments"] == "90" and by_national["non"]["area_communes"] == "94071"
    assert by_national["non"]["free_of_charge"] == "oui" and by_national["oui"]["area_departments"] == ""
    response = client.get("/api/support-providers/export", params={"format": "geojson"})
    assert response.headers["content-type"] == "application/geo+json"
    geo = response.json()
    assert geo["licence"]["name"] == LICENCE and len(geo["features"]) == 2
    assert all(f["geometry"] is not None and f["properties"]["licence"] == LICENCE for f in geo["features"])
    shapes = {f["properties"]["area"]["national"]: f["geometry"] for f in geo["features"]}
    local = shapes[False]
    assert local["type"] == "GeometryCollection"
    kinds = {g["type"]: g for g in local["geometries"]}
    assert len(kinds["MultiPolygon"]["coordinates"]) == 1  # the outline of the Territoire de Belfort
    assert len(kinds["MultiPoint"]["coordinates"]) == 1  # Sucy-en-Brie
    assert shapes[True]["type"] == "MultiPolygon" and len(shapes[True]["coordinates"]) > 90  # every department


def test_every_geojson_feature_has_a_geometry(client: TestClient) -> None:
    assert client.post("/api/volunteer-offers", json=volunteer_offer(remote_ok=True)).status_code == 201
    geo = client.get("/api/volunteer-offers/export", params={"format": "geojson"}).json()
    assert [f["geometry"]["type"] for f in geo["features"]] == ["Point"]
    assert geo["features"][0]["properties"]["remote_ok"] is True  # JSON keeps its booleans


def test_open_data_page_states_the_licence_and_is_in_the_footer(client: TestClient) -> None:
    page = client.get("/donnees-ouvertes")
    assert page.status_code == 200 and "Licence Ouverte 2.0" in page.text
    assert "/api/initiatives/export?format=csv&amp;separator=semicolon&amp;bom=true" in page.text
    assert '<a href="/donnees-ouvertes">Données ouvertes</a>' in client.get("/").text


def test_csv_is_written_in_constant_memory() -> None:
    """100 000 rows through the CSV writer: what it holds at once does not grow with the rows."""
    now = datetime.now(UTC)
    place = {"code": "90010", "name": "Belfort", "postal_codes": ["90000"], "epci": None, "department": "90",
             "region": "27", "lat": 47.6, "lon": 6.8}

    def offer(number: int) -> VolunteerOfferOut:
        return VolunteerOfferOut(id=number, slug=f"o-{number}", status="published", description="d" * 200,
                                 themes=["food"], organisation=None, created_at=now, updated_at=now,
                                 published_at=now, business_name="Cabinet", title="Compta", skills=["compta"],
                                 skills_normalised=[], hours=4, remote_ok=False, commune="90010",
                                 place=place, radius_km=5)  # type: ignore[arg-type]

    async def rows(count: int):  # type: ignore[no-untyped-def]
        for number in range(count):
            yield offer(number)

    async def peak(count: int) -> tuple[int, int]:
        tracemalloc.start()
        size = 0
        async for chunk in csv_chunks(rows(count), ";", True):
            size += len(chunk)
        _, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return size, high

    small_size, small_peak = run(peak(1_000))
    size, high = run(peak(100_000))
    assert size > 90 * small_size  # the rows are all there
    assert high < 3 * small_peak + 1_000_000, (small_peak, high)  # but never all at once


def test_export_reads_every_partition_of_the_cursor(client: TestClient, settings: Settings) -> None:
    """More rows than one partition of the server-side cursor (500): each comes out once."""
    from market.listings.open_data import PARTITION

    count = 2 * PARTITION + 37
    now = datetime.now(UTC)

    async def insert_many() -> None:
        async with session_scope(settings) as session:
            await session.execute(insert(VolunteerOffer), [
                {"slug": f"offre-{n}", "status": "published", "description": "Aide à la comptabilité " * 4,
                 "themes": ["food"], "business_name": "Cabinet", "title": f"Compta {n}", "skills": ["compta"],
                 "skills_normalised": [], "hours": 4, "remote_ok": n % 2 == 0, "commune_code": "90010",
                 "radius_km": 5, "search_text": "", "created_at": now, "updated_at": now, "published_at": now}
                for n in range(count)])
    run(insert_many())
    rows = list(csv.DictReader(io.StringIO(client.get("/api/volunteer-offers/export").text)))
    assert len(rows) == count and len({row["id"] for row in rows}) == count
    assert {row["remote_ok"] for row in rows} == {"oui", "non"}
    geo = client.get("/api/volunteer-offers/export", params={"format": "geojson"}).json()
    assert len(geo["features"]) == count and all(f["geometry"]["type"] == "Point" for f in geo["features"])
