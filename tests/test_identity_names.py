"""One identity per person (issue 11): emails normalised (NFC, case-folded, no zero-width or control
characters) so one address has one account; display names that pass for the staff or an existing
organisation, that mix scripts or hide characters are refused, naming the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from market.accounts.names import normalise_email
from market.config import Settings
from tests.browser import browser, register
from tests.conftest import _wipe, suite_settings
from tests.helpers import run, sql
from tests.mailbox import Mailbox
from tests.people import make_person


@pytest.fixture()
def names_settings(database_url: str, smtp: tuple[Mailbox, int]) -> Settings:
    return suite_settings(database_url, embedding_model="", smtp_host="127.0.0.1", smtp_port=smtp[1])


@pytest.fixture()
def web(names_settings: Settings) -> Iterator[TestClient]:
    with browser(create_app(names_settings)) as client:
        yield client
    run(_wipe(names_settings.database_url))


def test_one_address_one_account_whatever_its_spelling(web: TestClient, names_settings: Settings,
                                                       smtp: tuple[Mailbox, int]) -> None:
    nfd = "Jose\u0301.Martin@Example.org"  # « José » with a combining accent
    assert register(web, nfd).status_code == 202
    for variant in ("JOSÉ.MARTIN@EXAMPLE.ORG", "jos\u00e9\u200b.martin@example.org", "\u2060josé.martin@example.org"):
        web.cookies.clear()
        assert register(web, variant).status_code == 202
    assert sql(names_settings.database_url, "SELECT email FROM accounts") == [("josé.martin@example.org",)]
    assert [m["Subject"] for m in smtp[0].to("josé.martin@example.org", 4)].count("Vous avez déjà un compte") == 3
    assert normalise_email("Stra\u00dfe@Example.org") == "strasse@example.org"  # case-folded, not just lowered


@pytest.mark.parametrize("name", [
    "Admin", "l'administrateur", "Adm1n du site", "a d m i n", "Modératrice Julie", "M0DERATEUR", "Équipe Staff",
    "\u0410nne",  # a Cyrillic « А » before Latin letters
    "Jean\u200bDupont", "Jean\u202eDupont", "Jean\x07",
    "Organisation project_leader",  # the name of an existing organisation
])
def test_display_names_imitating_staff_or_an_organisation_are_refused(web: TestClient, names_settings: Settings,
                                                                      name: str) -> None:
    make_person(names_settings, "project_leader")  # its organisation is « Organisation project_leader »
    before = sql(names_settings.database_url, "SELECT count(*) FROM accounts")[0][0]
    refused = register(web, "quelquun@example.org", display_name=name)
    assert refused.status_code == 400 and refused.json()["field"] == "display_name", refused.text
    assert sql(names_settings.database_url, "SELECT count(*) FROM accounts")[0][0] == before


@pytest.mark.parametrize(("name", "stored"), [
    ("  Anne   Exemple ", "Anne Exemple"), ("Badminton Club", "Badminton Club"), ("Иван", "Иван"),
    ("Zoe\u0308", "Zoë"), ("Amodou", "Amodou"),
])
def test_ordinary_names_are_kept_normalised(web: TestClient, names_settings: Settings, name: str,
                                            stored: str) -> None:
    assert register(web, "quelquun@example.org", display_name=name).status_code == 202
    assert sql(names_settings.database_url, "SELECT display_name FROM accounts") == [(stored,)]
