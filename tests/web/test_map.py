"""The map without a tile server (offline, as here): the department outlines the app serves are drawn
under the markers, and the list beside the map stays usable."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from market.config import Settings
from tests.factories import initiative
from tests.people import make_person
from tests.web.conftest import check_accessibility
from tests.web.test_journeys import published


def test_the_offline_map_shows_department_outlines_under_the_markers(page: Page, web_server: str,
                                                                    web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin").headers
    listing_id = published(web_server, admin, "initiatives", initiative(title="Recyclerie de Belfort"))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/initiatives")
    expect(page.locator("#carte.map-outlines")).to_be_visible()
    assert page.locator("#carte path").count() > 90  # about one outline per department, and the marker
    expect(page.locator("#carte .leaflet-interactive")).to_have_count(1)  # outlines take no clicks
    page.get_by_role("link", name="Recyclerie de Belfort").click()
    expect(page).to_have_url(f"{web_server}/initiatives/{listing_id}")
    expect(page.locator("#carte.map-outlines")).to_be_visible()
    check_accessibility(page, "carte-hors-ligne")
    assert errors == []
