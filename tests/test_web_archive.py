"""Archiving one of my listings from « mes annonces »: a confirmation page, then the archive by the
same service as DELETE /api/<kind>/<id>, for its organisation's members only."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.browser import login
from tests.factories import initiative, volunteer_offer
from tests.helpers import sql
from tests.people import make_person
from tests.test_web_forms import post_form


def _status(settings: Settings, table: str, number: int) -> str:
    return sql(settings.database_url, f"SELECT status FROM {table} WHERE id = :i", i=number)[0][0]


def test_a_member_archives_a_listing_after_confirming(web: TestClient, mail_settings: Settings) -> None:
    business = make_person(mail_settings, "business_member")
    offer = web.post("/api/volunteer-offers", json=volunteer_offer(title="Comptes pour associations"),
                     headers=business.headers).json()
    path = f"/mecenat/{offer['id']}/archiver"
    assert web.get(path, follow_redirects=False).headers["location"] == f"/connexion?suite={path}"
    assert login(web, business.email).status_code == 200
    assert f'href="{path}"' in web.get("/mes-annonces").text
    confirm = web.get(path)
    assert confirm.status_code == 200 and "Archiver « Comptes pour associations »" in confirm.text
    assert f'method="post" action="{path}"' in confirm.text and 'name="_csrf_token"' in confirm.text
    assert _status(mail_settings, "volunteer_offers", offer["id"]) != "archived"  # the GET changed nothing
    done = post_form(web, path, {})
    assert done.status_code == 303 and done.headers["location"] == "/mes-annonces?archivee=1"
    assert _status(mail_settings, "volunteer_offers", offer["id"]) == "archived"
    listed = web.get("/mes-annonces?archivee=1").text
    assert "Annonce archivée" in listed and f'href="{path}"' not in listed  # no second archive link
    again = post_form(web, path, {})
    assert again.status_code == 409 and "Impossible d" in again.text and "archivée" in again.text
    assert sql(mail_settings.database_url, "SELECT count(*) FROM moderation_actions WHERE action = 'archive' "
               "AND listing_id = :i", i=offer["id"])[0][0] == 1


def test_only_its_organisation_archives_a_listing(web: TestClient, mail_settings: Settings) -> None:
    leader = make_person(mail_settings, "project_leader")
    mine = web.post("/api/initiatives", json=initiative(title="Jardin des Glacis"), headers=leader.headers).json()
    before = _status(mail_settings, "initiatives", mine["id"])
    refused = 403 if before == "published" else 404  # an unpublished listing of others is not even seen
    stranger = make_person(mail_settings, "project_leader")
    assert login(web, stranger.email).status_code == 200
    page = web.get(f"/initiatives/{mine['id']}/archiver")
    assert page.status_code == refused and 'lang="fr"' in page.text
    assert post_form(web, f"/initiatives/{mine['id']}/archiver", {}).status_code == refused
    assert post_form(web, "/initiatives/pas-un-nombre/archiver", {}).status_code in (400, 404)
    assert _status(mail_settings, "initiatives", mine["id"]) == before
    web.cookies.clear()
    assert login(web, leader.email).status_code == 200
    assert post_form(web, f"/initiatives/{mine['id']}/archiver", {}).status_code == 303
    assert _status(mail_settings, "initiatives", mine["id"]) == "archived"
