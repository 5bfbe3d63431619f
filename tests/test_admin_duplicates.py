"""Duplicates in the back office over HTTP: candidates with each signal's score, shown when a listing is
reviewed, side by side, and the merge choosing field by field (values, matches, reports follow)."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.admin_helpers import post_form, signed_in_as
from tests.factories import initiative
from tests.people import make_person


def test_candidates_side_by_side_and_merge_field_by_field(moderated_client: TestClient,
                                                          moderated_settings: Settings) -> None:
    owner = make_person(moderated_settings, "project_leader")
    moderator, reader = make_person(moderated_settings, "moderator"), make_person(moderated_settings, "funder")
    first = moderated_client.post("/api/initiatives", headers=owner.headers, json=initiative(
        title="Épicerie solidaire des Résidences")).json()
    second = moderated_client.post("/api/initiatives", headers=owner.headers, json=initiative(
        title="Association Épicerie Solidaire Les Résidences – Belfort",
        description="Épicerie solidaire du quartier des Résidences : produits à petits prix pour les familles.")).json()
    moderated_client.post("/api/initiatives", headers=owner.headers, json=initiative(
        title="Ressourcerie de Lure", commune="70310", description="Collecte et revente d'objets réparés."))
    moderated_client.post(f"/api/initiatives/{first['id']}/moderation", json={"action": "publish"})
    moderated_client.post(f"/api/initiatives/{first['id']}/reports", headers=reader.headers,
                          json={"reason": "Il y a deux fois la même épicerie."})
    with signed_in_as(moderated_client, moderator) as web:
        listed = web.get("/admin/doublons", params={"type": "initiatives"}).text
        assert "1 paire ·" in listed and "Ressourcerie de Lure" not in listed
        assert f"/admin/doublons/initiatives/{first['id']}/{second['id']}" in listed
        review = web.get(f"/admin/moderation/initiatives/{second['id']}").text
        assert "Doublons possibles" in review and f"(n° {first['id']})" in review
        path = f"/admin/doublons/initiatives/{first['id']}/{second['id']}"
        side = web.get(path).text
        assert "nom 1.00" in side and "distance 1.00" in side and 'name="champ.description"' in side
        assert 'name="champ.themes"' not in side  # the same value on both sides: nothing to choose
        bad = post_form(web, path, keep="c")
        assert bad.status_code == 400 and "annonce qui reste" in bad.text
        done = post_form(web, path, keep="b", **{"champ.title": "a", "champ.description": "b"},
                         reason="saisie en double")
        assert done.status_code == 303 and done.headers["location"] == f"/admin/moderation/initiatives/{second['id']}"
    kept = moderated_client.get(f"/api/initiatives/{second['id']}").json()
    assert kept["title"] == "Épicerie solidaire des Résidences"  # from A
    assert kept["description"].startswith("Épicerie solidaire du quartier")  # B's own
    assert moderated_client.get(f"/api/initiatives/{first['id']}").json()["status"] == "merged"
    log = moderated_client.get("/api/moderation/actions", params={"listing_id": first["id"]}).json()["items"]
    merge = next(a for a in log if a["action"] == "merge")
    assert merge["details"]["fields_from_duplicate"] == ["title"] and merge["details"]["reports_moved"] == 1
    queue = moderated_client.get("/api/moderation/queue").json()["items"]
    assert (second["id"], 1) in [(q["id"], q["open_reports"]) for q in queue]  # the report followed


def test_the_queue_shows_the_possible_duplicates_of_each_written_listing(moderated_client: TestClient,
                                                                         moderated_settings: Settings) -> None:
    owner, moderator = make_person(moderated_settings, "project_leader"), make_person(moderated_settings, "moderator")
    first = moderated_client.post("/api/initiatives", headers=owner.headers, json=initiative(
        title="Épicerie solidaire des Résidences")).json()
    moderated_client.post(f"/api/initiatives/{first['id']}/moderation", json={"action": "publish"})
    second = moderated_client.post("/api/initiatives", headers=owner.headers, json=initiative(
        title="Association Épicerie Solidaire Les Résidences – Belfort")).json()
    alone = moderated_client.post("/api/initiatives", headers=owner.headers, json=initiative(
        title="Ressourcerie de Lure", commune="70310", description="Collecte et revente d'objets réparés.")).json()
    with signed_in_as(moderated_client, moderator) as web:
        queue = web.get("/admin/").text
    assert "Doublons possibles" in queue
    rows = {row.split("</tr>")[0] for row in queue.split("<tr>")[1:]}
    [waiting] = [r for r in rows if f"/admin/moderation/initiatives/{second['id']}\"" in r]
    assert f"/admin/doublons/initiatives/{first['id']}/{second['id']}" in waiting and f"n° {first['id']}" in waiting
    [other] = [r for r in rows if f"/admin/moderation/initiatives/{alone['id']}\"" in r]
    assert "/admin/doublons/" not in other
