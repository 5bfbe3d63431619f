"""Claiming a listing with no member: its contact address, confirmed, becomes the owner of the
listing's organisation (made for it when it has none); another address is refused (403), a listing
that has members already cannot be claimed (409); a GET changes nothing."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.browser import login
from tests.factories import support_provider
from tests.helpers import sql
from tests.people import make_person
from tests.test_web_forms import post_form

CONTACT = "camille@incubateur.example.org"


def unclaimed_provider(web: TestClient, settings: Settings) -> int:
    admin = make_person(settings, "admin")
    made = web.post("/api/support-providers", headers=admin.headers,
                    json=support_provider(contact={"name": "Camille", "email": CONTACT}))
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def members(settings: Settings, provider_id: int) -> list[tuple[str, str, bool]]:
    return sql(settings.database_url, "SELECT a.email, m.role, m.owner FROM memberships m "
               "JOIN accounts a ON a.id = m.account_id JOIN support_providers s ON s.organisation_id = "
               "m.organisation_id WHERE s.id = :p ORDER BY a.email", p=provider_id)


def test_the_contact_address_claims_its_listing(web: TestClient, mail_settings: Settings) -> None:
    provider_id = unclaimed_provider(web, mail_settings)
    page = f"/revendiquer/accompagnement/{provider_id}"
    anonymous = web.get(page)
    assert anonymous.status_code == 200 and "Connectez-vous" in anonymous.text
    assert sql(mail_settings.database_url, "SELECT organisation_id FROM support_providers")[0][0] is None

    make_person(mail_settings, "funder", email=CONTACT)
    assert login(web, CONTACT).status_code == 200
    assert "Revendiquer cette annonce" in web.get(page).text
    claimed = post_form(web, page, {})
    assert claimed.status_code == 200, claimed.text
    assert "vous représentez désormais" in claimed.text
    assert members(mail_settings, provider_id) == [(CONTACT, "support_member", True)]
    [(name, kind)] = sql(mail_settings.database_url, "SELECT o.name, o.kind FROM organisations o JOIN "
                         "support_providers s ON s.organisation_id = o.id WHERE s.id = :p", p=provider_id)
    assert kind == "support_structure" and name
    # now a member: the listing is theirs to edit, and it cannot be claimed again
    assert web.get(f"/accompagnement/{provider_id}/modifier").status_code == 200
    again = post_form(web, page, {})
    assert again.status_code == 409 and "déjà des membres" in again.text


def test_another_address_cannot_claim_and_a_get_changes_nothing(web: TestClient, mail_settings: Settings) -> None:
    provider_id = unclaimed_provider(web, mail_settings)
    page = f"/revendiquer/accompagnement/{provider_id}"
    intruder = make_person(mail_settings, "support_member")
    assert login(web, intruder.email or "").status_code == 200
    web.get(page)
    refused = post_form(web, page, {})
    assert refused.status_code == 403 and "adresse de contact" in refused.text
    assert members(mail_settings, provider_id) == []
    web.cookies.clear()
    make_person(mail_settings, "funder", email=CONTACT, verified=False)
    assert login(web, CONTACT).status_code in (200, 403)  # an unconfirmed address proves nothing
    assert post_form(web, page, {}).status_code in (401, 403)
    assert members(mail_settings, provider_id) == []


def test_unknown_or_bad_links_are_french_404s(web: TestClient, mail_settings: Settings) -> None:
    for path in ("/revendiquer/accompagnement/999999", "/revendiquer/nulle-part/1", "/revendiquer/accompagnement/①"):
        answer = web.get(path)
        assert answer.status_code in (400, 404), (path, answer.status_code)
        assert "<html" in answer.text and 'lang="fr"' in answer.text
