"""The home page's live feed in a real browser: an event published while the page is open appears in
its list (EventSource under the strict CSP), announced through its aria-live region."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from market.config import Settings
from tests.factories import initiative
from tests.people import make_person
from tests.web.conftest import check_accessibility

pytest_plugins = ("tests.stripe_fixtures",)  # the web server's fixture uses localstripe


def test_a_listing_published_while_the_home_page_is_open_appears_in_its_feed(page: Page, web_server: str,
                                                                            web_settings: Settings) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/")
    feed = page.locator("[data-live-feed]")
    expect(feed).to_have_attribute("aria-live", "polite")
    expect(page.locator("[data-live-status]")).to_have_text("Mis à jour en direct.")
    leader, moderator = make_person(web_settings, "project_leader"), make_person(web_settings, "moderator")
    with httpx.Client(base_url=web_server, timeout=60) as api:
        made = api.post("/api/initiatives", json=initiative(title="Jardin partagé du Fort"), headers=leader.headers)
        assert made.status_code == 201, made.text
        done = api.post(f"/api/initiatives/{made.json()['id']}/moderation", json={"action": "publish"},
                        headers=moderator.headers)
        assert done.status_code == 200, done.text
    item = feed.locator("li").first
    expect(item).to_contain_text("Nouvelle initiative : « Jardin partagé du Fort » (90)")
    expect(item.locator("a")).to_have_attribute("href", f"/initiatives/{made.json()['id']}")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    check_accessibility(page, "home-live-feed")
