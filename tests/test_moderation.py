"""Moderation over HTTP: new and edited listings wait in pending_review; moderators publish, reject
with a reason, archive, merge a duplicate (its matches and pledges follow the survivor, collisions
settled by progress); every action is in the log (who, when, what, why), listable by moderators."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from market.config import Settings
from tests.conftest import suite_settings
from tests.factories import BODIES, RESOURCES, initiative, support_provider
from tests.helpers import sql
from tests.people import Person, anonymously, make_person


@pytest.fixture()
def settings(database_url: str) -> Settings:
    """The suite's settings with no relevance floor: a merge moves every match of the duplicate, and
    the tests read them from rankings whatever their score."""
    return suite_settings(database_url, auto_publish=True, match_floor=0)


@pytest.fixture()
def team(moderated_settings: Settings) -> dict[str, Person]:
    return {role: make_person(moderated_settings, role) for role in
            ("project_leader", "support_member", "business_member", "moderator")}


OWNER = {"initiatives": "project_leader", "support-providers": "support_member",
         "takeover-opportunities": "business_member", "volunteer-offers": "business_member"}


def create(client: TestClient, person: Person, resource: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"/api/{resource}", json=BODIES[resource](**overrides), headers=person.headers)
    assert response.status_code == 201, response.text
    return response.json()


def moderate(client: TestClient, person: Person, resource: str, listing_id: int, **body: Any) -> Any:
    return client.post(f"/api/{resource}/{listing_id}/moderation", json=body, headers=person.headers)


@pytest.mark.parametrize("resource", RESOURCES)
def test_new_listing_waits_then_is_published_by_a_moderator(moderated_client: TestClient, team, resource: str):
    owner, moderator = team[OWNER[resource]], team["moderator"]
    item = create(moderated_client, owner, resource)
    assert item["status"] == "pending_review" and item["organisation"]["id"] == owner.organisation_id
    url = f"/api/{resource}/{item['id']}"
    with anonymously(moderated_client):
        assert moderated_client.get(url).status_code == 404
        assert moderated_client.get(f"/api/{resource}").json()["total"] == 0
    assert moderated_client.get(url, headers=owner.headers).json()["status"] == "pending_review"  # owners see it
    assert moderated_client.get(url, headers=moderator.headers).status_code == 200
    assert moderate(moderated_client, owner, resource, item["id"], action="publish").status_code == 403

    queue = moderated_client.get("/api/moderation/queue", headers=moderator.headers).json()["items"]
    assert [(q["id"], q["status"]) for q in queue] == [(item["id"], "pending_review")]
    published = moderate(moderated_client, moderator, resource, item["id"], action="publish")
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published" and published.json()["published_at"]
    with anonymously(moderated_client):
        assert moderated_client.get(url).status_code == 200
        assert moderated_client.get(f"/api/{resource}").json()["total"] == 1

    # an edit by the owner sends it back to review; the moderator's own edit does not
    edited = moderated_client.patch(url, json={"themes": ["energy"]}, headers=owner.headers)
    assert edited.status_code == 200 and edited.json()["status"] == "pending_review"
    moderate(moderated_client, moderator, resource, item["id"], action="publish")
    kept = moderated_client.patch(url, json={"themes": ["culture"]}, headers=moderator.headers)
    assert kept.json()["status"] == "published"


def test_reject_needs_a_reason_the_owner_reads_it_and_may_resubmit(moderated_client: TestClient, team):
    owner, moderator = team["project_leader"], team["moderator"]
    item = create(moderated_client, owner, "initiatives")
    refused = moderate(moderated_client, moderator, "initiatives", item["id"], action="reject")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    rejected = moderate(moderated_client, moderator, "initiatives", item["id"], action="reject",
                        reason="Doublon probable : précisez le lieu.")
    assert rejected.json()["status"] == "rejected"
    history = moderated_client.get(f"/api/initiatives/{item['id']}/moderation", headers=owner.headers).json()
    assert [(h["action"], h["to_status"]) for h in history] == [("submit", "pending_review"), ("reject", "rejected")]
    assert history[1]["reason"] == "Doublon probable : précisez le lieu." and history[1]["actor_id"] is None
    assert history[1]["actor_role"] == "moderator"
    again = moderated_client.patch(f"/api/initiatives/{item['id']}", json={"team_size": 3}, headers=owner.headers)
    assert again.json()["status"] == "pending_review"
    other = make_person(moderated_client.app.state.settings, "project_leader")
    assert moderated_client.get(f"/api/initiatives/{item['id']}/moderation", headers=other.headers).status_code == 404


def test_every_action_is_logged_and_listed_for_moderators_only(moderated_client: TestClient, team):
    owner, moderator = team["support_member"], team["moderator"]
    item = create(moderated_client, owner, "support-providers")
    moderate(moderated_client, moderator, "support-providers", item["id"], action="publish")
    moderate(moderated_client, moderator, "support-providers", item["id"], action="archive", reason="fermé")
    log = moderated_client.get("/api/moderation/actions", headers=moderator.headers,
                               params={"kind": "support_provider", "listing_id": item["id"]}).json()
    assert log["total"] == 3
    assert [(a["action"], a["from_status"], a["to_status"]) for a in log["items"]] == [
        ("archive", "published", "archived"), ("publish", "pending_review", "published"),
        ("submit", "draft", "pending_review")]
    newest = log["items"][0]
    assert newest["actor_id"] == moderator.account_id and newest["reason"] == "fermé" and newest["at"]
    by_actor = moderated_client.get("/api/moderation/actions", headers=moderator.headers,
                                    params={"actor_id": moderator.account_id}).json()
    assert by_actor["total"] == 2
    assert moderated_client.get("/api/moderation/actions", headers=owner.headers).status_code == 403
    with anonymously(moderated_client):
        assert moderated_client.get("/api/moderation/actions").status_code == 401
    refused = moderate(moderated_client, moderator, "support-providers", item["id"], action="publish")
    assert refused.status_code == 200  # archived -> published (restore) is allowed
    bad = moderate(moderated_client, moderator, "support-providers", item["id"], action="explode")
    assert bad.status_code == 400 and bad.json()["field"] == "action"


def test_merge_moves_matches_and_pledges_to_the_survivor(client: TestClient, settings: Settings):
    leader, partner = make_person(settings, "project_leader"), make_person(settings, "support_member")
    survivor = client.post("/api/initiatives", json=initiative(), headers=leader.headers).json()
    duplicate = client.post("/api/initiatives", json=initiative(title="Épicerie solidaire (doublon)"),
                            headers=leader.headers).json()
    provider = client.post("/api/support-providers", json=support_provider(), headers=partner.headers).json()
    other = client.post("/api/support-providers", json=support_provider(name="Autre incubateur du 90"),
                        headers=partner.headers).json()

    def match_of(initiative_id: int, provider_id: int) -> int:
        """The pair's match as a suggestion job stores it (rankings store nothing)."""
        return sql(settings.database_url, "INSERT INTO matches (initiative_id, candidate_kind, candidate_id, score, "
                   "components, reasons, missing, status, created_at, updated_at) VALUES (:i, 'support_provider', "
                   ":c, 50, '{}', '[]', '[]', 'suggested', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id",
                   i=initiative_id, c=provider_id)[0][0]

    dropped = match_of(survivor["id"], provider["id"])  # suggested only
    survivor_other = match_of(survivor["id"], other["id"])
    late = client.post("/api/support-providers", json=support_provider(name="Nouvel incubateur du 90"),
                       headers=partner.headers).json()  # listed with the duplicate only
    advanced = match_of(duplicate["id"], provider["id"])  # the duplicate's goes further: it wins
    client.patch(f"/api/matches/{advanced}", json={"status": "contacted"}, headers=leader.headers)
    tie = match_of(duplicate["id"], other["id"])  # both suggested: the survivor's stays
    moved = match_of(duplicate["id"], late["id"])  # no collision: simply moves
    pledge_id = sql(settings.database_url, "INSERT INTO pledges (initiative_id, amount_cents, currency, status, "
                    "stripe_reference, receipt_token, refunded_cents, disputed, anonymous, created_at, updated_at) "
                    "VALUES (:i, 1500, 'eur', 'succeeded', 'ref-merge', 'tok-merge-0123456789', 0, false, false, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id", i=duplicate["id"])[0][0]

    assert client.post(f"/api/initiatives/{duplicate['id']}/moderation",
                       json={"action": "merge"}).json()["field"] == "merge_into"
    assert client.post(f"/api/initiatives/{duplicate['id']}/moderation",
                       json={"action": "merge", "merge_into": duplicate["id"]}).json()["field"] == "merge_into"
    merged = client.post(f"/api/initiatives/{duplicate['id']}/moderation",
                         json={"action": "merge", "merge_into": survivor["id"], "reason": "même épicerie"})
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged"

    rows = sql(settings.database_url, "SELECT id, initiative_id, candidate_id, status FROM matches ORDER BY id")
    assert {(r[0], r[1], r[2], r[3]) for r in rows} == {
        (advanced, survivor["id"], provider["id"], "contacted"), (survivor_other, survivor["id"], other["id"],
                                                                  "suggested"),
        (moved, survivor["id"], late["id"], "suggested")}
    assert sql(settings.database_url, "SELECT initiative_id FROM pledges WHERE id = :p", p=pledge_id) == [
        (survivor["id"],)]
    [action] = client.get("/api/moderation/actions", params={"listing_id": duplicate["id"],
                                                             "kind": "initiative"}).json()["items"][:1]
    assert action["action"] == "merge" and action["merged_into_id"] == survivor["id"]
    assert action["details"]["pledges_moved"] == 1 and action["details"]["matches_moved"] == [advanced, moved]
    assert action["details"]["matches_dropped"] == [{"match_id": dropped, "status": "suggested"},
                                                    {"match_id": tie, "status": "suggested"}]
    again = client.post(f"/api/initiatives/{duplicate['id']}/moderation",
                        json={"action": "merge", "merge_into": survivor["id"]})
    assert again.status_code == 409  # a merged listing is final
    with anonymously(client):
        assert client.get(f"/api/initiatives/{duplicate['id']}").status_code == 404
