"""The matching settings page in Chromium: an admin previews a change (the server has no judged file
configured: the page says so), saves it, sees it in the history and puts the previous values back;
the page passes axe-core (no serious or critical violation) at each step."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from market.config import Settings
from tests.people import PASSWORD, make_person
from tests.web.conftest import check_accessibility

pytest_plugins = ("tests.stripe_fixtures",)  # the web server's fixture uses localstripe


def test_an_admin_previews_saves_and_reverts(page: Page, web_server: str, web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin")
    page.goto("/admin/reglages-matching")
    assert admin.email is not None
    page.get_by_label("Adresse email").fill(admin.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réglages du matching")
    expect(page.get_by_text("En vigueur : valeurs par défaut du code.")).to_be_visible()
    check_accessibility(page, "admin-reglages-matching")

    page.get_by_label("Thématiques partagées").fill("0")
    page.get_by_label("Seuil de pertinence (de 0 à 100)").fill("40")
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_text("aucun fichier d'évaluation n'est configuré")).to_be_visible()
    check_accessibility(page, "admin-reglages-matching-apercu")
    page.get_by_role("button", name="Enregistrer ces réglages").click()
    expect(page.get_by_role("status")).to_have_text(
        "Réglages enregistrés : les classements les appliquent dès maintenant.")
    expect(page.get_by_label("Seuil de pertinence (de 0 à 100)")).to_have_value("40")
    expect(page.get_by_role("cell", name="themes 0.0 ; seuil 40")).to_be_visible()
    check_accessibility(page, "admin-reglages-matching-historique")

    page.get_by_role("button", name="Rétablir les valeurs par défaut").click()
    expect(page.get_by_role("status")).to_have_text("Réglages rétablis.")
    expect(page.get_by_label("Seuil de pertinence (de 0 à 100)")).to_have_value(str(web_settings.match_floor))
