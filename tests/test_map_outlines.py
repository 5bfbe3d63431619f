"""The maps' background: the department outlines the app computes from its own communes (their
points' convex hulls, as no department geometry is stored), and the tile server a setting names."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings, SettingsError
from market.reference.outlines import convex_hull
from tests.browser import browser
from tests.conftest import suite_settings


def test_the_hull_keeps_the_outer_points_only() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (1.0, 1.0), (1.0, 0.0)]
    assert convex_hull(square) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    assert convex_hull([(1.0, 1.0), (1.0, 1.0)]) == [(1.0, 1.0)]


def inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    """A point in a counter-clockwise convex ring: on the left of every edge."""
    return all((b[0] - a[0]) * (point[1] - a[1]) - (b[1] - a[1]) * (point[0] - a[0]) >= 0
               for a, b in zip(ring, ring[1:], strict=False))


def test_every_department_has_an_outline_around_its_communes(client: TestClient) -> None:
    response = client.get("/carte/departements.geojson")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/geo+json")
    shapes = response.json()
    by_code = {f["properties"]["code"]: f for f in shapes["features"]}
    assert len(by_code) >= 100 and by_code["90"]["properties"]["name"] == "Territoire de Belfort"
    ring = by_code["90"]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and inside((6.863, 47.638), ring)  # Belfort
    assert not inside((2.35, 48.86), ring)  # Paris is not in the Territoire de Belfort


def test_tiles_come_from_the_configured_server_with_their_attribution(database_url: str) -> None:
    settings = suite_settings(database_url, map_tiles_url="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    with browser(create_app(settings)) as web:
        page = web.get("/initiatives")
        assert 'data-tiles="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"' in page.text
        assert "OpenStreetMap" in page.text
        assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in page.headers["content-security-policy"]
    with browser(create_app(suite_settings(database_url))) as web:
        page = web.get("/initiatives")
        assert "data-tiles" not in page.text and 'data-outlines="/carte/departements.geojson"' in page.text
        assert "img-src 'self' data:;" in page.headers["content-security-policy"]
    with pytest.raises(SettingsError, match="MAP_TILES_URL"):
        Settings(map_tiles_url="http://tiles.example.org/{z}/{x}/{y}.png")
