"""Journeys of the web client's users, in Chromium, with axe-core on every page they reach."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from market.config import Settings
from tests.factories import initiative, support_provider
from tests.mailbox import Mailbox
from tests.people import PASSWORD, make_person
from tests.web.conftest import check_accessibility

pytest_plugins = ("tests.stripe_fixtures",)  # localstripe, for the pledge journey


def publish(base_url: str, admin: dict[str, str], resource: str, listing_id: int) -> None:
    response = httpx.post(f"{base_url}/api/{resource}/{listing_id}/moderation", json={"action": "publish"},
                          headers=admin)
    assert response.status_code == 200, response.text


def published(base_url: str, admin: dict[str, str], resource: str, body: dict[str, Any],
              author: dict[str, str] | None = None) -> int:
    """A listing written through the JSON API (by its author, else the admin) that a moderator published."""
    created = httpx.post(f"{base_url}/api/{resource}", json=body, headers=author or admin)
    assert created.status_code == 201, created.text
    publish(base_url, admin, resource, created.json()["id"])
    return int(created.json()["id"])


def log_in(page: Page, email: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mon espace")).to_be_visible()


def test_public_pages_are_french_and_accessible(page: Page) -> None:
    for path, name, heading in (("/", "accueil", "La bourse aux initiatives de la transition"),
                                ("/initiatives", "initiatives", "Initiatives"),
                                ("/accompagnement", "accompagnement", "Accompagnement"),
                                ("/reprises", "reprises", "Reprises d'activité"),
                                ("/mecenat", "mecenat", "Mécénat de compétences"),
                                ("/connexion", "connexion", "Se connecter"),
                                ("/inscription", "inscription", "Créer un compte"),
                                ("/accessibilite", "accessibilite", "Déclaration d'accessibilité")):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "fr"
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_accessibility(page, name)
    response = page.goto("/cette-page-n-existe-pas")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Introuvable")
    check_accessibility(page, "introuvable")


def test_search_by_territory_and_text_is_a_shareable_url(page: Page, web_server: str,
                                                         web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin").headers
    for title, commune in (("Épicerie solidaire du Pays d'Héricourt", "70285"),
                           ("Ressourcerie de Montbéliard", "25388")):
        published(web_server, admin, "initiatives", initiative(title=title, commune=commune))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/initiatives")
    page.get_by_label("Recherche plein texte").fill("épicerie")
    page.get_by_label("Territoire").fill("70")
    page.get_by_role("button", name="Afficher les résultats").click()
    expect(page.get_by_role("heading", name=re.compile("^1 résultat$"))).to_be_visible()
    expect(page.get_by_role("link", name="Épicerie solidaire du Pays d'Héricourt")).to_be_visible()
    shared = page.url
    assert "q=%C3%A9picerie" in shared and "territory=70" in shared
    check_accessibility(page, "recherche")
    other = page.context.new_page()
    other.goto(shared)  # the same search, restored from the URL alone
    expect(other.get_by_label("Recherche plein texte")).to_have_value("épicerie")
    expect(other.get_by_role("heading", name=re.compile("^1 résultat$"))).to_be_visible()
    expect(page.locator("#carte .leaflet-interactive")).to_have_count(1)  # the result's marker
    assert errors == []


def test_a_form_error_keeps_what_was_typed_and_says_it_at_the_field(page: Page, web_settings: Settings) -> None:
    leader = make_person(web_settings, "project_leader")
    assert leader.email
    log_in(page, leader.email)
    page.goto("/initiatives/nouvelle")
    page.get_by_label("Titre (obligatoire)").fill("Jardin partagé des Près")
    page.get_by_label("Description (obligatoire)").fill("Trop court")
    page.get_by_label("Code INSEE de la commune (obligatoire)").fill("70310")
    page.get_by_role("button", name="Envoyer pour relecture").click()
    expect(page.get_by_role("heading", name=re.compile("Le formulaire contient"))).to_be_visible()
    expect(page.get_by_label("Titre (obligatoire)")).to_have_value("Jardin partagé des Près")
    expect(page.get_by_label("Code INSEE de la commune (obligatoire)")).to_have_value("70310")
    field_error = page.locator("#description-erreur")
    expect(field_error).to_contain_text("trop court")
    assert page.get_by_label("Description (obligatoire)").get_attribute("aria-invalid") == "true"
    check_accessibility(page, "formulaire-erreur")


def test_leader_lists_an_initiative_and_a_provider_accepts_the_match(page: Page, web_server: str,
                                                                    web_settings: Settings,
                                                                    web_smtp: tuple[Mailbox, int]) -> None:
    mailbox = web_smtp[0]
    admin = make_person(web_settings, "admin").headers
    provider_member = make_person(web_settings, "support_member")
    published(web_server, admin, "support-providers",
              support_provider(name="France Active Franche-Comté", area={"departments": ["70"]}),
              author=provider_member.headers)

    # the leader registers in the browser, creates an organisation, lists an initiative (keyboard only)
    page.goto("/inscription")
    page.get_by_label("Adresse email").fill("porteuse@example.org")
    page.get_by_label("Nom affiché").fill("Camille")
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(PASSWORD)
    page.get_by_label("Le même mot de passe, encore une fois").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre boîte mail")).to_be_visible()
    check_accessibility(page, "inscription-envoyee")
    page.goto(f"/compte/confirmer?jeton={mailbox.token('porteuse@example.org', 'confirmer')}")
    check_accessibility(page, "confirmer-adresse")
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_role("status")).to_contain_text("Adresse confirmée")
    check_accessibility(page, "adresse-confirmee")
    log_in(page, "porteuse@example.org")
    page.get_by_label("Nom de l'organisation").fill("Collectif des Près")
    page.get_by_label("Type d'organisation").select_option("initiative_group")
    page.get_by_label("Mon rôle").select_option("project_leader")
    page.get_by_role("button", name="Créer l'organisation").click()
    check_accessibility(page, "mon-espace")
    page.goto("/initiatives/nouvelle")
    page.get_by_label("Titre (obligatoire)").focus()
    page.keyboard.type("Épicerie solidaire des Près")
    page.keyboard.press("Tab")
    page.keyboard.type("Une épicerie solidaire tenue par des bénévoles, qui cherche un accompagnement "
                       "pour se structurer et trouver un local.")
    page.keyboard.press("Tab")
    page.keyboard.type("70310")
    for code in ("food",):
        page.locator(f"input[name=themes][value={code}]").focus()
        page.keyboard.press("Space")
    for name, value in (("maturity", "emergence"), ("economic_purpose", "non_profit"),
                        ("org_form", "association"), ("stance", "alternative")):
        select = page.locator(f"select[name={name}]")
        select.focus()
        while select.input_value() != value:  # the keyboard alone: arrows through the choices
            page.keyboard.press("ArrowDown")
    for code in ("business_model", "legal_structuring"):
        page.locator(f"input[name=needs][value={code}]").focus()
        page.keyboard.press("Space")
    page.get_by_label("Nom (obligatoire)", exact=True).focus()
    page.keyboard.type("Camille")
    page.keyboard.press("Tab")
    page.keyboard.type("camille@example.org")
    page.get_by_role("button", name="Envoyer pour relecture").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("attend la relecture")
    initiative_id = int(page.url.split("/initiatives/")[1].split("?")[0])
    check_accessibility(page, "initiative-en-attente")

    publish(web_server, admin, "initiatives", initiative_id)
    page.goto(f"/initiatives/{initiative_id}/rapprochements")
    card = page.locator("li.card", has_text="France Active Franche-Comté")
    expect(card).to_be_visible()
    expect(card.get_by_text("Pourquoi :")).to_be_visible()
    check_accessibility(page, "rapprochements")
    card.get_by_label("Faire avancer ce rapprochement").select_option("contacted")
    card.get_by_role("button", name="Valider").click()
    expect(page.locator("li.card", has_text="France Active Franche-Comté")).to_contain_text("contact pris")

    other = page.context.browser.new_context(base_url=web_server).new_page()  # type: ignore[union-attr]
    assert provider_member.email
    log_in(other, provider_member.email)
    other.goto(f"/initiatives/{initiative_id}/rapprochements")
    their_card = other.locator("li.card", has_text="France Active Franche-Comté")
    their_card.get_by_label("Faire avancer ce rapprochement").select_option("in_discussion")
    their_card.get_by_role("button", name="Valider").click()
    expect(other.locator("li.card", has_text="France Active Franche-Comté")).to_contain_text("camille@example.org")
    page.reload()
    expect(page.locator("li.card", has_text="France Active Franche-Comté")).to_contain_text("en discussion")

    other.goto("/mes-mises-en-relation")  # the provider's inbox
    discussing = other.get_by_role("region", name=re.compile("En discussion"))
    expect(discussing).to_contain_text("Épicerie solidaire des Près")
    check_accessibility(other, "mes-mises-en-relation")


def test_a_funder_pledges_ten_euros_in_test_mode_and_the_bar_moves(page: Page, web_server: str,
                                                                   web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin").headers
    initiative_id = published(web_server, admin, "initiatives", initiative(funding_goal_cents=100_000))
    page.goto(f"/initiatives/{initiative_id}")
    expect(page.get_by_role("progressbar", name="Financement")).to_have_attribute("aria-valuenow", "0")
    page.get_by_role("link", name="Soutenir cette initiative").click()
    check_accessibility(page, "don")
    page.get_by_label("Montant en euros (obligatoire)").fill("10")
    page.get_by_label("Adresse email (pour le reçu) (obligatoire)").fill("donatrice@example.org")
    page.get_by_label("Nom affiché").fill("Dominique")
    page.get_by_role("button", name="Continuer vers le paiement").click()
    expect(page.get_by_role("heading", name="Payer votre don")).to_be_visible()
    check_accessibility(page, "paiement")
    page.get_by_role("button", name="Payer avec la carte de test").click()
    expect(page.get_by_text("10,00")).to_be_visible()  # the receipt page
    page.goto(f"/initiatives/{initiative_id}")
    expect(page.get_by_text("10,00 € promis")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Financement")).to_have_attribute("aria-valuenow", "1")


def test_a_business_member_posts_a_volunteer_offer_and_sees_the_initiatives_that_match(
        page: Page, web_server: str, web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin").headers
    published(web_server, admin, "initiatives",
              initiative(title="Épicerie solidaire des Glacis", skills_needed=["comptabilité"]))
    member = make_person(web_settings, "business_member")
    assert member.email
    log_in(page, member.email)
    page.goto("/mecenat/nouvelle")
    page.get_by_label("Entreprise (obligatoire)").fill("Cabinet Comptable de Belfort")
    page.get_by_label("Titre de l'offre (obligatoire)").fill("Tenue des comptes pour associations")
    page.get_by_label("Description (obligatoire)").fill("Nos salariés tiennent la comptabilité d'associations "
                                                         "et les forment à la clôture des comptes annuels.")
    page.get_by_label("Compétences offertes (obligatoire)").fill("comptabilité, gestion financière")
    page.get_by_label("Volume en heures (obligatoire)").fill("40")
    page.get_by_label("Code INSEE de la commune (obligatoire)").fill("90010")
    page.get_by_label("Rayon d'intervention en km (obligatoire)").fill("30")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Alex Martin")
    page.get_by_label("Adresse email (obligatoire)").fill("alex@example.org")
    page.get_by_role("button", name="Envoyer pour relecture").click()
    expect(page.get_by_role("status")).to_contain_text("attend la relecture")
    offer_id = int(page.url.split("/mecenat/")[1].split("?")[0])
    publish(web_server, admin, "volunteer-offers", offer_id)
    page.goto(f"/mecenat/{offer_id}")
    page.get_by_role("link", name="Voir les initiatives qui correspondent").click()
    expect(page.get_by_role("link", name="Épicerie solidaire des Glacis")).to_be_visible()
    check_accessibility(page, "initiatives-qui-correspondent")
