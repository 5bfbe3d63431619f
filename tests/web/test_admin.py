"""The back office in Chromium: a moderator opens the queue, reads what changed and publishes from the
page; the queue, the review page and the dashboard pass axe-core (no serious or critical violation)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from market.config import Settings
from tests.factories import initiative
from tests.people import PASSWORD, make_person
from tests.web.conftest import check_accessibility

pytest_plugins = ("tests.stripe_fixtures",)  # the web server's fixture uses localstripe


def test_a_moderator_publishes_from_the_queue(page: Page, web_server: str, web_settings: Settings) -> None:
    leader = make_person(web_settings, "project_leader")
    moderator = make_person(web_settings, "moderator")
    created = httpx.post(f"{web_server}/api/initiatives", headers=leader.headers,
                         json=initiative(title="Recyclerie des Vosges saônoises", commune="70285"))
    assert created.status_code == 201, created.text
    listing_id = created.json()["id"]

    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()  # anonymous: the login page
    assert moderator.email is not None
    page.get_by_label("Adresse email").fill(moderator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("File de modération")
    check_accessibility(page, "admin-file")

    page.get_by_role("link", name="Recyclerie des Vosges saônoises").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recyclerie des Vosges saônoises")
    expect(page.get_by_text("Cette annonce n'a jamais été publiée")).to_be_visible()
    check_accessibility(page, "admin-relecture")
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("status")).to_have_text("Annonce publiée.")
    expect(page.get_by_text("Rien à relire pour le moment.")).to_be_visible()
    assert httpx.get(f"{web_server}/api/initiatives/{listing_id}").json()["status"] == "published"

    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    check_accessibility(page, "admin-tableau-de-bord")
    page.goto(f"/initiatives/{listing_id}")
    expect(page.get_by_role("button", name="Masquer cette annonce")).to_be_visible()
    check_accessibility(page, "annonce-moderateur")
    page.get_by_role("button", name="Masquer cette annonce").click()
    expect(page).to_have_url(re.compile(f"/initiatives/{listing_id}$"))
    assert httpx.get(f"{web_server}/api/initiatives/{listing_id}").status_code == 404


def test_a_moderator_merges_two_duplicates_field_by_field(page: Page, web_server: str,
                                                          web_settings: Settings) -> None:
    leader = make_person(web_settings, "project_leader")
    moderator = make_person(web_settings, "moderator")
    ids = []
    for title, description in (("Épicerie solidaire des Résidences", "Une épicerie solidaire associative."),
                               ("Association Épicerie Solidaire Les Résidences",
                                "Épicerie solidaire du quartier des Résidences, ouverte deux après-midi.")):
        created = httpx.post(f"{web_server}/api/initiatives", headers=leader.headers,
                             json=initiative(title=title, description=description))
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    page.goto("/connexion?suite=/admin/doublons")
    assert moderator.email is not None
    page.get_by_label("Adresse email").fill(moderator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Doublons possibles")
    check_accessibility(page, "admin-doublons")
    page.get_by_role("link", name=re.compile("Épicerie solidaire des Résidences")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparer deux annonces")
    check_accessibility(page, "admin-comparer")
    page.get_by_label(re.compile("garder B pour Description")).check()
    page.get_by_role("button", name="Fusionner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie solidaire des Résidences")
    kept = httpx.get(f"{web_server}/api/initiatives/{ids[0]}", headers=moderator.headers).json()
    assert kept["description"].startswith("Épicerie solidaire du quartier")
    assert httpx.get(f"{web_server}/api/initiatives/{ids[1]}", headers=moderator.headers).json()["status"] == "merged"
