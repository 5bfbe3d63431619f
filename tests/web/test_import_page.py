"""The import page in Chromium: an admin uploads an example file in a dry run and reads the report;
the page, the report and the open-data page pass axe-core (no serious or critical violation)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from market.config import Settings
from tests.people import PASSWORD, make_person
from tests.web.conftest import check_accessibility

pytest_plugins = ("tests.stripe_fixtures",)  # the web server's fixture uses localstripe
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "initiatives.csv"


def test_an_admin_tries_a_file_and_reads_the_report(page: Page, web_server: str, web_settings: Settings) -> None:
    admin = make_person(web_settings, "admin")
    page.goto("/admin/import")
    assert admin.email is not None
    page.get_by_label("Adresse email").fill(admin.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer un fichier")
    check_accessibility(page, "admin-import")
    page.get_by_label("Type d'annonce").select_option("initiative")
    page.get_by_label("Fichier CSV (au plus 5 Mo)").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("status")).to_contain_text("essai à blanc")
    expect(page.get_by_role("table")).to_contain_text("Épicerie solidaire des Résidences")
    check_accessibility(page, "admin-import-rapport")
    page.goto("/donnees-ouvertes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    check_accessibility(page, "donnees-ouvertes")
