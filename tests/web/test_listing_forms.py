"""The forms of the support providers and takeovers, editing a listing, and « mon espace » in
Chromium, with axe-core on every page they reach."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from market.config import Settings
from tests.factories import initiative, takeover
from tests.people import make_person
from tests.test_personal_data import add_pledge
from tests.web.conftest import check_accessibility
from tests.web.test_journeys import log_in, published

pytest_plugins = ("tests.stripe_fixtures",)


def test_a_support_provider_keeps_what_was_typed_after_an_error_then_waits_for_review(
        page: Page, web_settings: Settings) -> None:
    member = make_person(web_settings, "support_member")
    assert member.email
    log_in(page, member.email)
    page.goto("/accompagnement/nouvelle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une structure d'accompagnement")
    check_accessibility(page, "accompagnement-nouveau")
    page.get_by_label("Nom de la structure (obligatoire)").fill("Boutique de gestion du Doubs")
    page.get_by_label("Description (obligatoire)").fill("Accompagnement à la création d'activités d'utilité "
                                                        "sociale : modèle économique, statuts, financements.")
    page.locator("input[name=offers][value=business_model]").check()
    page.get_by_label("Nombre d'accompagnements possibles par an (obligatoire)").fill("6")
    page.get_by_label("Départements (codes)").fill("25, 999")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Alix Martin")
    page.get_by_label("Adresse email (obligatoire)").fill("alix@example.org")
    page.get_by_role("button", name="Envoyer pour relecture").click()
    expect(page.get_by_role("heading", name=re.compile("Le formulaire contient"))).to_be_visible()
    expect(page.locator("#area-departments-erreur")).to_contain_text("999")
    expect(page.get_by_label("Nom de la structure (obligatoire)")).to_have_value("Boutique de gestion du Doubs")
    expect(page.locator("input[name=offers][value=business_model]")).to_be_checked()
    expect(page.get_by_label("Accompagnement gratuit")).to_be_checked()
    assert page.get_by_label("Départements (codes)").get_attribute("aria-invalid") == "true"
    check_accessibility(page, "accompagnement-erreur")
    page.get_by_label("Départements (codes)").fill("25, 70")
    page.get_by_role("button", name="Envoyer pour relecture").click()
    expect(page.get_by_role("status")).to_contain_text("attend la relecture")
    expect(page.get_by_role("heading", level=1)).to_have_text("Boutique de gestion du Doubs")
    check_accessibility(page, "accompagnement-en-attente")


def test_a_takeover_is_proposed_and_its_owner_edits_it(page: Page, web_server: str, web_settings: Settings) -> None:
    member = make_person(web_settings, "business_member")
    assert member.email
    log_in(page, member.email)
    page.goto("/reprises/nouvelle")
    check_accessibility(page, "reprise-nouvelle")
    page.get_by_label("Sens de la reprise (obligatoire)").select_option("handover")
    page.get_by_label("Qui cède ou qui reprend (obligatoire)").fill("Boulangerie Marchal")
    page.get_by_label("Sa forme d'organisation (obligatoire)").select_option("commercial_company")
    page.get_by_label("Titre (obligatoire)").fill("Boulangerie de village à reprendre")
    page.get_by_label("Description (obligatoire)").fill("Le boulanger part à la retraite et cède son fonds, "
                                                        "le four et la clientèle fidèle du village.")
    page.get_by_label("Code INSEE de la commune (obligatoire)").fill("25388")
    page.get_by_label("Rayon de recherche en km (obligatoire)").fill("20")
    page.get_by_label("Maturité minimale des initiatives (obligatoire)").select_option("launch")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Alix Martin")
    page.get_by_label("Adresse email (obligatoire)").fill("alix@example.org")
    page.get_by_role("button", name="Envoyer pour relecture").click()
    expect(page.get_by_role("status")).to_contain_text("attend la relecture")

    page.get_by_role("link", name="Modifier cette annonce").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier la reprise d'activité")
    expect(page.get_by_label("Titre (obligatoire)")).to_have_value("Boulangerie de village à reprendre")
    expect(page.get_by_label("Adresse email (obligatoire)")).to_have_value("alix@example.org")
    check_accessibility(page, "reprise-modifier")
    page.get_by_label("Rayon de recherche en km (obligatoire)").fill("")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.locator("#radius_km-erreur")).to_contain_text("obligatoire")
    check_accessibility(page, "reprise-modifier-erreur")
    page.get_by_label("Rayon de recherche en km (obligatoire)").fill("35")
    page.get_by_label("Titre (obligatoire)").fill("Boulangerie de village à céder")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_role("status")).to_contain_text("modifications sont enregistrées")
    expect(page.get_by_role("heading", level=1)).to_have_text("Boulangerie de village à céder")
    listing_id = int(page.url.split("/reprises/")[1].split("?")[0])
    admin = make_person(web_settings, "admin").headers
    shown = httpx.get(f"{web_server}/api/takeover-opportunities/{listing_id}", headers=admin).json()
    assert shown["radius_km"] == 35 and shown["actor_name"] == "Boulangerie Marchal"


def test_my_space_lists_my_listings_pledges_and_organisation(page: Page, web_server: str,
                                                             web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin").headers
    leader = make_person(web_settings, "project_leader", email="leader-espace@example.org")
    assert leader.email
    mine = published(web_server, admin, "initiatives", initiative(title="Jardin des Glacis"), author=leader.headers)
    add_pledge(web_settings, mine, leader.email, "espace")
    business = make_person(web_settings, "business_member")
    published(web_server, admin, "takeover-opportunities", takeover(title="Atelier de vélos à reprendre"),
              author=business.headers)
    log_in(page, leader.email)
    check_accessibility(page, "mon-espace-organisation")
    page.get_by_role("link", name="Mes annonces : mes initiatives et mes offres").click()
    section = page.get_by_role("region", name=re.compile("Mes initiatives"))
    expect(section.get_by_role("link", name="Jardin des Glacis", exact=True)).to_be_visible()
    expect(page.get_by_text("Atelier de vélos à reprendre")).to_have_count(0)
    check_accessibility(page, "mes-annonces")
    section.get_by_role("link", name="Ses rapprochements : Jardin des Glacis").click()
    expect(page).to_have_url(re.compile(f"/initiatives/{mine}/rapprochements$"))
    page.goto("/mes-dons")
    expect(page.get_by_role("cell", name="25,00 €")).to_be_visible()
    check_accessibility(page, "mes-dons")
    page.goto("/mon-compte")
    page.get_by_role("link", name="Changer mon mot de passe").click()
    page.get_by_label("Mot de passe actuel (obligatoire)").fill("pas le bon mot de passe")
    page.get_by_label("Nouveau mot de passe (obligatoire)").fill("une toute autre phrase de passe")
    page.get_by_label("Le nouveau mot de passe, encore une fois (obligatoire)").fill("une toute autre phrase de passe")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.locator("#current_password-erreur")).to_contain_text("incorrect")
    check_accessibility(page, "mot-de-passe-erreur")
    page.goto("/mon-compte/supprimer")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.locator("#confirm-erreur")).to_contain_text("cochez la case")
    check_accessibility(page, "supprimer-erreur")
    page.get_by_label("Je comprends que la suppression de mon compte est définitive").check()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compte supprimé")
    check_accessibility(page, "compte-supprime")
