"""In Chromium: the emailed links' pages with JavaScript off (a forgotten password reset from its link),
archiving one of my listings, and managing an organisation's members, with axe-core on every page
they reach (JavaScript on: axe runs in the page)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from market.accounts import links
from market.config import Settings
from market.db import session_scope
from tests.factories import volunteer_offer
from tests.helpers import run
from tests.mailbox import Mailbox
from tests.people import make_person
from tests.web.conftest import check_accessibility
from tests.web.test_journeys import log_in

pytest_plugins = ("tests.stripe_fixtures",)

NEW = "une toute nouvelle phrase de passe"


@pytest.fixture()
def no_js(page: Page, web_server: str, browser: Browser) -> Iterator[Page]:
    """Another browser with JavaScript off (the rows are wiped by `page`'s fixture)."""
    context = browser.new_context(base_url=web_server, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def test_a_password_is_reset_from_its_link_without_javascript(page: Page, no_js: Page, web_settings: Settings,
                                                              web_smtp: tuple[Mailbox, int]) -> None:
    person = make_person(web_settings, "funder")
    assert person.email
    no_js.goto("/connexion")
    no_js.get_by_role("link", name="Mot de passe oublié ?").click()
    no_js.get_by_label("Adresse email").fill(person.email)
    no_js.get_by_role("button", name="Envoyer le lien").click()
    expect(no_js.get_by_role("heading", name="Vérifiez votre boîte mail")).to_be_visible()
    link = f"/compte/mot-de-passe?jeton={web_smtp[0].token(person.email, 'mot-de-passe')}"
    no_js.goto(link)
    no_js.get_by_label("Nouveau mot de passe (obligatoire)", exact=True).fill(NEW)
    no_js.get_by_label("Le nouveau mot de passe, encore une fois").fill(NEW + "!")
    no_js.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(no_js.locator("#password_again-erreur")).to_contain_text("diffèrent")
    no_js.get_by_label("Nouveau mot de passe (obligatoire)", exact=True).fill(NEW)
    no_js.get_by_label("Le nouveau mot de passe, encore une fois").fill(NEW)
    no_js.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(no_js.get_by_role("status")).to_contain_text("Mot de passe changé")
    no_js.goto(link)  # the link is spent
    no_js.get_by_label("Nouveau mot de passe (obligatoire)", exact=True).fill(NEW)
    no_js.get_by_label("Le nouveau mot de passe, encore une fois").fill(NEW)
    no_js.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(no_js.get_by_role("alert")).to_contain_text("Ce lien ne fonctionne pas")
    expect(no_js.get_by_role("link", name="Demander un nouveau lien")).to_be_visible()

    # the same pages, with axe-core
    page.goto("/compte/mot-de-passe-oublie")
    check_accessibility(page, "mot-de-passe-oublie")
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.locator("#email-erreur")).to_be_visible()
    check_accessibility(page, "mot-de-passe-oublie-erreur")
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/compte/mot-de-passe$"))  # the token left the address bar
    check_accessibility(page, "nouveau-mot-de-passe")
    page.get_by_label("Nouveau mot de passe (obligatoire)", exact=True).fill("court")
    page.get_by_label("Le nouveau mot de passe, encore une fois").fill("court")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce lien ne fonctionne pas")
    check_accessibility(page, "lien-invalide")
    log_in_with(page, person.email, NEW)
    page.goto("/compte/nouveau-lien")
    check_accessibility(page, "nouveau-lien")


def log_in_with(page: Page, email: str, password: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mon espace")).to_be_visible()


def test_a_member_archives_an_offer_after_confirming(page: Page, web_server: str, web_settings: Settings) -> None:
    business = make_person(web_settings, "business_member")
    assert business.email
    created = httpx.post(f"{web_server}/api/volunteer-offers", json=volunteer_offer(title="Comptes pour associations"),
                         headers=business.headers)
    assert created.status_code == 201, created.text
    log_in(page, business.email)
    page.goto("/mes-annonces")
    page.get_by_role("link", name="Archiver Comptes pour associations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Archiver « Comptes pour associations »")
    check_accessibility(page, "archiver")
    page.get_by_role("button", name="Archiver « Comptes pour associations »").click()
    expect(page.get_by_role("status")).to_contain_text("Annonce archivée")
    expect(page.get_by_role("link", name="Archiver Comptes pour associations")).to_have_count(0)
    check_accessibility(page, "mes-annonces-archivee")


def test_an_owner_manages_the_members(page: Page, web_server: str, web_settings: Settings) -> None:
    owner = make_person(web_settings, "project_leader")
    make_person(web_settings, "funder", organisations={"funder": owner.organisation_id})
    assert owner.email
    invited = httpx.post(f"{web_server}/api/organisations/{owner.organisation_id}/members",
                         json={"email": "recrue@example.org", "role": "funder"}, headers=owner.headers)
    assert invited.status_code == 202
    log_in(page, owner.email)
    check_accessibility(page, "mon-espace-membres")
    who = page.locator("ul.members > li", has_text=re.compile("— financeur"))
    who.get_by_label(re.compile("^Rôle de")).select_option("project_leader")
    who.get_by_role("button", name=re.compile("^Enregistrer")).click()
    expect(page.get_by_role("status")).to_contain_text("Membre modifié")
    page.get_by_role("button", name="Annuler l'invitation de recrue@example.org").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation annulée")
    page.get_by_role("link", name=re.compile("^Quitter l'organisation")).click()
    check_accessibility(page, "quitter-organisation")
    page.get_by_role("button", name="Quitter l'organisation").click()
    expect(page.get_by_role("alert")).to_contain_text("garder au moins un propriétaire")
    check_accessibility(page, "quitter-organisation-refuse")
    page.goto("/mon-compte")
    page.get_by_role("link", name=re.compile("^Retirer .* de l'organisation")).click()
    page.get_by_role("button", name="Retirer ce membre").click()
    expect(page.get_by_role("status")).to_contain_text("Membre retiré")
    expect(page.locator("ul.members > li")).to_have_count(1)
    check_accessibility(page, "membre-retire")


def test_a_link_mailed_with_its_token_in_the_fragment_still_confirms(page: Page, web_settings: Settings) -> None:
    """The links mailed before they carried the token in the query: the script moves it into the form."""
    person = make_person(web_settings, "funder", verified=False)
    assert person.account_id

    async def issue() -> str:
        async with session_scope(web_settings) as session:
            return await links.issue(session, person.account_id or 0, links.CONFIRM, timedelta(hours=1))

    page.goto(f"/compte/confirmer#jeton={run(issue())}")
    expect(page).to_have_url(re.compile(r"/compte/confirmer$"))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_role("status")).to_contain_text("Adresse confirmée")
