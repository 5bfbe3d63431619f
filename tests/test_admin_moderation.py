"""The back office's moderation over HTTP: who may open it, the queue oldest first with the
field-by-field changes since the last published version, the actions from the page, the owner
edits that keep a listing online, reports (JSON and the « signaler » form) and hiding at once."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from market.config import Settings
from tests.admin_helpers import post_form, signed_in_as
from tests.factories import initiative, support_provider
from tests.people import Person, anonymously, make_person


@pytest.fixture()
def team(moderated_settings: Settings) -> dict[str, Person]:
    return {role: make_person(moderated_settings, role) for role in
            ("project_leader", "support_member", "moderator", "funder")}


def create(client: TestClient, person: Person, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/{resource}", json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    return response.json()


def moderate(client: TestClient, person: Person, resource: str, listing_id: int, **body: Any) -> Any:
    return client.post(f"/api/{resource}/{listing_id}/moderation", json=body, headers=person.headers)


def test_only_staff_open_the_back_office(moderated_client: TestClient, team: dict[str, Person]) -> None:
    with signed_in_as(moderated_client, team["moderator"]) as web:
        page = web.get("/admin/")
        assert page.status_code == 200 and "File de modération" in page.text
    with signed_in_as(moderated_client, team["project_leader"]) as web:
        page = web.get("/admin/")
        assert page.status_code == 403 and "réservé aux modérateurs" in page.text and "<html lang=\"fr\">" in page.text
    with signed_in_as(moderated_client, team["funder"]) as web:
        web.cookies.clear()
        page = web.get("/admin/journal", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/connexion?suite=/admin/journal"


def test_queue_diff_and_publish_from_the_page(moderated_client: TestClient, team: dict[str, Person]) -> None:
    owner, moderator = team["project_leader"], team["moderator"]
    first = create(moderated_client, owner, "initiatives", initiative(title="Ressourcerie du Mont"))
    second = create(moderated_client, owner, "initiatives", initiative(title="Jardin partagé des Forges"))
    with signed_in_as(moderated_client, moderator) as web:
        page = web.get("/admin/").text
        assert page.index("Ressourcerie du Mont") < page.index("Jardin partagé des Forges")  # oldest first
        detail = web.get(f"/admin/moderation/initiatives/{first['id']}").text
        assert "jamais été publiée" in detail
        done = post_form(web, f"/admin/moderation/initiatives/{first['id']}", action="publish")
        assert done.status_code == 303 and done.headers["location"] == "/admin/?fait=publish"
        assert "Jardin partagé des Forges" in web.get("/admin/").text
        assert "Ressourcerie du Mont" not in web.get("/admin/").text
    assert moderated_client.get(f"/api/initiatives/{first['id']}").json()["status"] == "published"

    # the owner rewrites the description: back to review, with the change shown field by field
    edited = moderated_client.patch(f"/api/initiatives/{first['id']}", headers=owner.headers,
                                    json={"description": "Une ressourcerie qui répare et revend des meubles."})
    assert edited.json()["status"] == "pending_review"
    with signed_in_as(moderated_client, moderator) as web:
        detail = web.get(f"/admin/moderation/initiatives/{first['id']}").text
        assert "<del>Une épicerie solidaire associative" in detail
        assert "<ins>Une ressourcerie qui répare" in detail
        refused = post_form(web, f"/admin/moderation/initiatives/{first['id']}", action="reject", reason="")
        assert refused.status_code == 400 and "un refus doit être motivé" in refused.text
        refused = post_form(web, f"/admin/moderation/initiatives/{first['id']}", action="reject",
                            reason="La description ne dit plus où se trouve la ressourcerie.")
        assert refused.status_code == 303
        bad = post_form(web, f"/admin/moderation/initiatives/{second['id']}", action="merge", merge_into="abc")
        assert bad.status_code == 400 and "annonce attendu, pas" in bad.text
        merged = post_form(web, f"/admin/moderation/initiatives/{second['id']}", action="merge",
                           merge_into=str(first["id"]))
        assert merged.status_code == 400 and "doit être publiée ou en attente" in merged.text
        assert post_form(web, f"/admin/moderation/initiatives/{second['id']}", action="archive").status_code == 303
    history = moderated_client.get(f"/api/initiatives/{first['id']}/moderation", headers=owner.headers).json()
    assert history[-1]["action"] == "reject" and "où se trouve" in history[-1]["reason"]  # the owner reads why


def test_small_owner_edits_keep_a_listing_online(moderated_client: TestClient, team: dict[str, Person]) -> None:
    owner, moderator = team["support_member"], team["moderator"]
    item = create(moderated_client, owner, "support-providers", support_provider())
    assert moderate(moderated_client, moderator, "support-providers", item["id"], action="publish").status_code == 200
    url = f"/api/support-providers/{item['id']}"
    contact = {"name": "Dominique Test", "email": "dominique@example.org"}
    kept = moderated_client.patch(url, headers=owner.headers, json={"capacity": 9, "contact": contact})
    assert kept.status_code == 200 and kept.json()["status"] == "published"
    log = moderated_client.get("/api/moderation/actions", headers=moderator.headers,
                               params={"listing_id": item["id"]}).json()["items"]
    assert log[0]["action"] == "minor_edit" and log[0]["details"] == {"fields": ["capacity", "contact"]}
    renamed = moderated_client.patch(url, headers=owner.headers, json={"name": "Incubateur du Nord Franche-Comté"})
    assert renamed.json()["status"] == "pending_review"
    with signed_in_as(moderated_client, moderator) as web:
        detail = web.get(f"/admin/moderation/support-providers/{item['id']}").text
    # the published version is the one after the small edit: only the name changed since
    assert detail.count("<del>") == 1 and "<ins>Incubateur du Nord Franche-Comté" in detail


def test_reports_join_the_queue_and_a_moderator_hides_at_once(moderated_client: TestClient,
                                                                team: dict[str, Person]) -> None:
    owner, moderator, reader = team["project_leader"], team["moderator"], team["funder"]
    item = create(moderated_client, owner, "initiatives", initiative(title="Fausse épicerie"))
    assert moderate(moderated_client, moderator, "initiatives", item["id"], action="publish").status_code == 200
    url = f"/api/initiatives/{item['id']}/reports"
    with anonymously(moderated_client):
        assert moderated_client.post(url, json={"reason": "Arnaque"}).status_code == 401
    made = moderated_client.post(url, json={"reason": "Cette annonce demande de l'argent liquide."},
                                 headers=reader.headers)
    assert made.status_code == 201 and made.json()["listing_id"] == item["id"]
    again = moderated_client.post(url, json={"reason": "Toujours là."}, headers=reader.headers)
    assert again.status_code == 409
    too_short = moderated_client.post(url, json={"reason": "x"}, headers=owner.headers)
    assert too_short.status_code == 400 and too_short.json()["field"] == "reason"
    queue = moderated_client.get("/api/moderation/queue", headers=moderator.headers).json()["items"]
    assert [(q["id"], q["status"], q["open_reports"]) for q in queue] == [(item["id"], "published", 1)]

    with signed_in_as(moderated_client, owner) as web:  # the signaler form on the public page
        page = web.get(f"/initiatives/{item['id']}").text
        assert "Signaler cette annonce" in page and "Masquer" not in page
        sent = post_form(web, f"/initiatives/{item['id']}/signaler", reason="Doublon de notre annonce.")
        assert sent.status_code == 303
        assert "Merci" in web.get(sent.headers["location"]).text
    with signed_in_as(moderated_client, moderator) as web:
        page = web.get(f"/initiatives/{item['id']}").text
        assert "Masquer cette annonce" in page
        detail = web.get(f"/admin/moderation/initiatives/{item['id']}").text
        assert "Signalements ouverts (2)" in detail and "argent liquide" in detail
        hidden = post_form(web, f"/admin/moderation/initiatives/{item['id']}", action="hide",
                           reason="Signalée : vérification en cours", suite=f"/initiatives/{item['id']}")
        assert hidden.status_code == 303 and hidden.headers["location"] == f"/initiatives/{item['id']}"
    with anonymously(moderated_client):
        assert moderated_client.get(f"/api/initiatives/{item['id']}").status_code == 404
    queue = moderated_client.get("/api/moderation/queue", headers=moderator.headers).json()["items"]
    assert [(q["status"], q["open_reports"]) for q in queue] == [("pending_review", 0)]  # reports closed


def test_the_log_is_searchable(moderated_client: TestClient, team: dict[str, Person]) -> None:
    owner, moderator = team["project_leader"], team["moderator"]
    kept = create(moderated_client, owner, "initiatives", initiative(title="Atelier vélo solidaire"))
    refused = create(moderated_client, owner, "initiatives", initiative(title="Vente de panneaux miracle"))
    assert moderate(moderated_client, moderator, "initiatives", kept["id"], action="publish").status_code == 200
    assert moderate(moderated_client, moderator, "initiatives", refused["id"], action="reject",
                    reason="Publicité commerciale déguisée").status_code == 200
    with signed_in_as(moderated_client, moderator) as web:
        by_reason = web.get("/admin/journal", params={"q": "publicité"}).text
        assert "1 action<" in by_reason and "Vente de panneaux miracle" in by_reason
        by_title = web.get("/admin/journal", params={"q": "vélo", "action": "publish"}).text
        assert "1 action<" in by_title and "Atelier vélo solidaire" in by_title
        assert moderator.email is not None
        mine = web.get("/admin/journal", params={"moderator": moderator.email}).text
        assert "2 actions" in mine
        bad = web.get("/admin/journal", params={"action": "explode", "listing": "x"})
        assert bad.status_code == 400 and "action inconnue" in bad.text and "annonce est attendu" in bad.text
