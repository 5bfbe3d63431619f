"""The back office pages not walked by the moderation journeys (accounts, one account, the log, the
pledges) and the claim page, in Chromium: each passes axe-core (no serious or critical violation)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from market.config import Settings
from tests.factories import initiative, support_provider
from tests.people import PASSWORD, make_person
from tests.web.conftest import check_accessibility

pytest_plugins = ("tests.stripe_fixtures",)  # the web server's fixture uses localstripe


def test_the_accounts_log_and_pledges_pages_pass_axe(page: Page, web_server: str, web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin")
    leader = make_person(web_settings, "project_leader")
    created = httpx.post(f"{web_server}/api/initiatives", headers=leader.headers,
                         json=initiative(title="Repair Café de Lure", commune="70310"))
    assert created.status_code == 201, created.text
    page.goto("/connexion?suite=/admin/comptes")
    assert admin.email is not None
    page.get_by_label("Adresse email").fill(admin.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, "admin-comptes")
    page.goto(f"/admin/comptes/{leader.account_id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, "admin-compte")
    page.goto("/admin/journal")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, "admin-journal")
    page.goto("/admin/dons")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, "admin-dons")


def test_the_claim_page_passes_axe(page: Page, web_server: str, web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin")
    made = httpx.post(f"{web_server}/api/support-providers", headers=admin.headers,
                      json=support_provider(contact={"name": "Camille", "email": "camille@example.org"}))
    assert made.status_code == 201, made.text
    page.goto(f"/revendiquer/accompagnement/{made.json()['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revendiquer")
    check_accessibility(page, "revendiquer")
