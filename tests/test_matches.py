"""Matches over HTTP: rankings keep to eligible candidates, reverse browsing, explain, the
cooperation levels (every transition, valid and invalid), mutual opt-in for contact details,
freshness after an edit, and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from tests.factories import initiative, support_provider, takeover, volunteer_offer
from tests.helpers import assert_problem
from tests.people import Person, anonymously, make_person

PROVIDER_CONTACT = {"name": "Dominique Incubateur", "email": "dominique@incubateur.example.org"}
INITIATIVE_EMAIL = "camille@example.org"  # the factories' contact


@pytest.fixture(autouse=True)
def no_server_error(client: TestClient) -> Iterator[None]:
    """No response of this file is a 5xx."""
    statuses: list[tuple[str, int]] = []

    def record(response: httpx.Response) -> None:
        statuses.append((str(response.request.url), response.status_code))

    client.event_hooks["response"] = [*client.event_hooks["response"], record]
    yield
    assert [s for s in statuses if s[1] >= 500] == []


@pytest.fixture(autouse=True)
def parties(settings) -> dict[str, Person]:
    """The two sides: a project leader (the initiatives) and a member of a support structure and of a
    business (every candidate kind); `create` posts each listing as its side."""
    global SIDES
    leader = make_person(settings, "project_leader")
    partner = make_person(settings, "support_member", organisations={"support_member": None, "business_member": None})
    SIDES = {"initiative": leader, "candidate": partner}
    return SIDES


SIDES: dict[str, Person] = {}


def create(client: TestClient, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    side = SIDES["initiative" if resource == "initiatives" else "candidate"] if SIDES else None
    response = client.post(f"/api/{resource}", json=body, headers=side.headers if side else None)
    assert response.status_code == 201, response.text
    return response.json()


def ranking(client: TestClient, initiative_id: int, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/initiatives/{initiative_id}/matches", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def listed(page: dict[str, Any]) -> set[tuple[str, int]]:
    return {(item["kind"], item["candidate"]["id"]) for item in page["items"]}


def item_for(page: dict[str, Any], kind: str, candidate_id: int) -> dict[str, Any]:
    return next(i for i in page["items"] if i["kind"] == kind and i["candidate"]["id"] == candidate_id)


def pair_body(pair: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"initiative_id": pair["initiative"]["id"], "candidate_kind": "support_provider",
            "candidate_id": pair["provider"]["id"], **fields}


def move(client: TestClient, target: dict[str, Any] | int | str, status: str, side: str) -> httpx.Response:
    """The member of that side moves the match (the side comes from the account, not the body). Given
    a pair nobody acted on yet, it acts on the pair (POST /api/matches), which stores the match."""
    headers = SIDES[side].headers
    if not isinstance(target, dict):
        return client.patch(f"/api/matches/{target}", json={"status": status}, headers=headers)
    if target["match_id"] is not None:
        return client.patch(f"/api/matches/{target['match_id']}", json={"status": status}, headers=headers)
    response = client.post("/api/matches", json=pair_body(target, status=status), headers=headers)
    if response.status_code == 201:
        target["match_id"] = response.json()["id"]
    return response


@pytest.fixture()
def pair(client: TestClient) -> dict[str, Any]:
    """An initiative in Belfort and a support provider of the Territoire de Belfort that fits it."""
    ini = create(client, "initiatives", initiative())
    provider = create(client, "support-providers", support_provider(contact=PROVIDER_CONTACT))
    assert item_for(ranking(client, ini["id"]), "support_provider", provider["id"])["match_id"] is None
    return {"initiative": ini, "provider": provider, "match_id": None}


# --- rankings -------------------------------------------------------------------------------


def test_ranking_lists_only_eligible_candidates_of_each_kind(client: TestClient) -> None:
    ini = create(client, "initiatives", initiative())
    good = {
        ("support_provider", create(client, "support-providers", support_provider())["id"]),
        ("support_provider", create(client, "support-providers", support_provider(
            name="Réseau national des épiceries solidaires", area={"national": True}))["id"]),
        ("takeover", create(client, "takeover-opportunities", takeover())["id"]),
        ("volunteer_offer", create(client, "volunteer-offers", volunteer_offer())["id"]),
        ("volunteer_offer", create(client, "volunteer-offers", volunteer_offer(
            commune="94071", remote_ok=True, title="Comptabilité à distance"))["id"]),
    }
    bad = {  # each breaks one hard rule
        ("support_provider", create(client, "support-providers", support_provider(
            name="Incubateur du Doubs", area={"departments": ["25"]}))["id"]),
        ("support_provider", create(client, "support-providers", support_provider(
            name="Union complète", capacity=0))["id"]),
        ("support_provider", create(client, "support-providers", support_provider(
            name="Fonds pour les sociétés", org_forms=["commercial_company"]))["id"]),
        ("takeover", create(client, "takeover-opportunities", takeover(min_maturity="scaling"))["id"]),
        ("volunteer_offer", create(client, "volunteer-offers", volunteer_offer(commune="94071"))["id"]),
    }
    page = ranking(client, ini["id"])
    assert listed(page) == good and not listed(page) & bad
    assert page["eligible_count"] == {"support_provider": 2, "takeover": 1, "volunteer_offer": 2}
    assert page["semantic"] is True and page["notes"] == []
    scores = [item["score"] for item in page["items"]]
    assert scores == sorted(scores, reverse=True)
    item = page["items"][0]
    assert set(item) == {"candidate", "initiative", "kind", "score", "components", "reasons", "missing",
                         "match_id", "status", "contacts"}
    assert 0 <= item["score"] <= 100 and item["reasons"] and item["status"] == "suggested"
    assert all(0 <= value <= 1 for value in item["components"].values())
    assert item["initiative"]["id"] == ini["id"] and item["contacts"] is None

    only = ranking(client, ini["id"], kind="takeover")
    assert listed(only) == {k for k in good if k[0] == "takeover"}
    assert set(only["eligible_count"]) == {"takeover"}
    assert len(ranking(client, ini["id"], kind="volunteer_offer", limit=1)["items"]) == 1


def test_a_pair_is_stored_when_a_party_acts_and_keeps_its_id(client: TestClient, pair: dict[str, Any]) -> None:
    created = move(client, pair, "contacted", "initiative")
    assert created.status_code == 201 and created.json()["status"] == "contacted"
    again = ranking(client, pair["initiative"]["id"], kind="support_provider")
    assert [(i["match_id"], i["status"]) for i in again["items"]] == [(pair["match_id"], "contacted")]
    reverse = client.get(f"/api/support-providers/{pair['provider']['id']}/matches").json()
    assert [i["match_id"] for i in reverse["items"]] == [pair["match_id"]]
    # acting on the pair again moves the same stored match (200), as PATCH would
    agreed = client.post("/api/matches", json=pair_body(pair, status="in_discussion"),
                         headers=SIDES["candidate"].headers)
    assert agreed.status_code == 200 and (agreed.json()["id"], agreed.json()["status"]) == (pair["match_id"],
                                                                                          "in_discussion")


def test_french_reasons_and_missing(client: TestClient, pair: dict[str, Any]) -> None:
    item = ranking(client, pair["initiative"]["id"], kind="support_provider")["items"][0]
    assert "couvre Territoire de Belfort" in item["reasons"]
    assert any("Locaux" in text for text in item["missing"])  # the provider does not offer premises


def test_unlock_hints_count_the_candidates_a_change_would_open(client: TestClient) -> None:
    ini = create(client, "initiatives", initiative(org_form="informal_collective"))
    create(client, "support-providers", support_provider(org_forms=["association", "scic"]))
    page = ranking(client, ini["id"])
    assert page["eligible_count"]["support_provider"] == 0
    hint = next(h for h in page["unlock"] if h["field"] == "org_form" and h["value"] == "association")
    assert hint["count"] == 1 and hint["by_kind"]["support_provider"] == 1 and hint["label"]


@pytest.mark.parametrize(("resource", "body"), [
    ("support-providers", support_provider),
    ("takeover-opportunities", takeover),
    ("volunteer-offers", volunteer_offer),
])
def test_reverse_ranking_lists_the_eligible_initiatives(client: TestClient, resource: str, body: Any) -> None:
    fits = create(client, "initiatives", initiative())
    elsewhere = create(client, "initiatives", initiative(title="Ressourcerie de Sucy", commune="94071"))
    candidate = create(client, resource, body())
    page = client.get(f"/api/{resource}/{candidate['id']}/matches")
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert [i["initiative"]["id"] for i in items] == [fits["id"]]
    assert elsewhere["id"] not in {i["initiative"]["id"] for i in items}
    assert items[0]["candidate"]["id"] == candidate["id"] and items[0]["status"] == "suggested"
    assert page.json()["eligible_count"] == {"initiative": 1}
    forward = ranking(client, fits["id"])
    assert item_for(forward, items[0]["kind"], candidate["id"])["match_id"] == items[0]["match_id"]


def test_explain_gives_every_rule_and_component(client: TestClient, pair: dict[str, Any]) -> None:
    far = create(client, "support-providers", support_provider(name="Incubateur du Doubs",
                                                               area={"departments": ["25"]}))
    url = f"/api/initiatives/{pair['initiative']['id']}/matches/explain"
    good = client.get(url, params={"candidate_kind": "support_provider", "candidate_id": pair["provider"]["id"]})
    assert good.status_code == 200, good.text
    body = good.json()
    assert body["eligible"] is True and body["match_id"] is None and body["status"] is None  # nobody acted
    move(client, pair, "contacted", "initiative")
    stored = client.get(url, params={"candidate_kind": "support_provider", "candidate_id": pair["provider"]["id"]})
    assert (stored.json()["match_id"], stored.json()["status"]) == (pair["match_id"], "contacted")
    assert {r["name"] for r in body["rules"]} >= {"area", "maturity", "economic_purpose", "org_form", "stance",
                                                  "capacity"}
    assert all(r["passed"] and r["detail"] for r in body["rules"])
    assert body["score"] > 0 and set(body["components"]) >= {"needs", "semantic"}
    bad = client.get(url, params={"candidate_kind": "support_provider", "candidate_id": far["id"]}).json()
    assert bad["eligible"] is False and bad["match_id"] is None and bad["status"] is None
    assert [r["name"] for r in bad["rules"] if not r["passed"]] == ["area"]
    assert bad["components"]  # the components are given for an ineligible pair too


# --- cooperation levels ---------------------------------------------------------------------

INI, CAND = "initiative", "candidate"
TO_CONTACTED = [("contacted", INI)]
TO_DISCUSSION = [("contacted", INI), ("in_discussion", CAND)]
TO_PARTNERSHIP = [*TO_DISCUSSION, ("partnership", INI)]


@pytest.mark.parametrize(("steps", "final"), [
    ([("contacted", INI)], "contacted"),
    ([("contacted", CAND)], "contacted"),
    ([("contacted", INI), ("in_discussion", CAND)], "in_discussion"),
    ([("contacted", CAND), ("in_discussion", INI)], "in_discussion"),
    ([*TO_DISCUSSION, ("partnership", INI)], "partnership"),
    ([*TO_DISCUSSION, ("partnership", CAND)], "partnership"),
    ([("declined", INI)], "declined"),
    ([("declined", CAND)], "declined"),
    ([*TO_CONTACTED, ("declined", INI)], "declined"),
    ([*TO_CONTACTED, ("declined", CAND)], "declined"),
    ([*TO_DISCUSSION, ("declined", CAND)], "declined"),
])
def test_valid_transitions(client: TestClient, pair: dict[str, Any], steps: list, final: str) -> None:
    for status, side in steps:
        response = move(client, pair, status, side)
        assert response.status_code in (200, 201), response.text
    body = response.json()
    assert body["status"] == final
    assert [(e["to_status"], e["side"]) for e in body["history"]] == steps
    assert body["history"][0]["from_status"] == "suggested"
    assert client.get(f"/api/matches/{pair['match_id']}").json()["status"] == final
    listed_status = ranking(client, pair["initiative"]["id"], kind="support_provider")["items"][0]["status"]
    assert listed_status == final  # both sides see the state


@pytest.mark.parametrize(("steps", "refused"), [
    ([], ("in_discussion", INI)),  # nobody showed interest yet
    ([], ("partnership", CAND)),
    (TO_CONTACTED, ("contacted", INI)),  # already
    (TO_CONTACTED, ("contacted", CAND)),  # the other side agrees with in_discussion
    (TO_CONTACTED, ("in_discussion", INI)),  # one cannot agree with oneself
    (TO_CONTACTED, ("partnership", CAND)),
    (TO_DISCUSSION, ("contacted", INI)),
    (TO_DISCUSSION, ("in_discussion", CAND)),
    (TO_PARTNERSHIP, ("contacted", CAND)),
    (TO_PARTNERSHIP, ("in_discussion", INI)),
    (TO_PARTNERSHIP, ("partnership", CAND)),
    (TO_PARTNERSHIP, ("declined", INI)),  # a partnership is final
    ([("declined", CAND)], ("contacted", INI)),  # so is a refusal
    ([("declined", CAND)], ("in_discussion", CAND)),
    ([("declined", CAND)], ("partnership", INI)),
    ([("declined", CAND)], ("declined", INI)),
])
def test_invalid_transitions_are_409_and_change_nothing(client: TestClient, pair: dict[str, Any], steps: list,
                                                        refused: tuple[str, str]) -> None:
    for status, side in steps:
        assert move(client, pair, status, side).status_code in (200, 201)
    if not steps:  # nothing stored: the refusal stores nothing either
        assert_problem(move(client, pair, *refused), 409, "status")
        assert pair["match_id"] is None
        assert ranking(client, pair["initiative"]["id"], kind="support_provider")["items"][0]["match_id"] is None
        return
    before = client.get(f"/api/matches/{pair['match_id']}").json()
    body = assert_problem(move(client, pair, *refused), 409, "status")
    assert "ne peut pas passer" in body["detail"]
    after = client.get(f"/api/matches/{pair['match_id']}").json()
    assert (after["status"], after["history"], after["initiative_interest_at"], after["candidate_interest_at"]) == (
        before["status"], before["history"], before["initiative_interest_at"], before["candidate_interest_at"])


def test_interest_is_recorded_per_side(client: TestClient, pair: dict[str, Any]) -> None:
    contacted = move(client, pair, "contacted", "candidate").json()
    assert contacted["candidate_interest_at"] and contacted["initiative_interest_at"] is None
    agreed = move(client, pair, "in_discussion", "initiative").json()
    assert agreed["candidate_interest_at"] == contacted["candidate_interest_at"]
    assert agreed["initiative_interest_at"]


# --- mutual opt-in --------------------------------------------------------------------------


def contacts_everywhere(client: TestClient, pair: dict[str, Any]) -> list[Any]:
    """The contacts of the match as the initiative's ranking, the candidate's ranking and the match show them."""
    forward = ranking(client, pair["initiative"]["id"], kind="support_provider")["items"][0]
    reverse = client.get(f"/api/support-providers/{pair['provider']['id']}/matches").json()["items"][0]
    if pair["match_id"] is None:  # nobody acted: no match to read
        return [forward["contacts"], reverse["contacts"], None]
    one = client.get(f"/api/matches/{pair['match_id']}").json()
    return [forward["contacts"], reverse["contacts"], one["contacts"]]


def test_contacts_are_shown_to_both_only_once_both_agreed(client: TestClient, pair: dict[str, Any]) -> None:
    assert contacts_everywhere(client, pair) == [None, None, None]
    contacted = move(client, pair, "contacted", "initiative").json()
    assert contacted["contacts"] is None
    assert contacts_everywhere(client, pair) == [None, None, None]

    agreed = move(client, pair, "in_discussion", "candidate").json()
    contacts = agreed["contacts"]
    assert contacts["initiative"]["email"] == INITIATIVE_EMAIL
    assert contacts["candidate"] == {"name": PROVIDER_CONTACT["name"], "email": PROVIDER_CONTACT["email"],
                                     "phone": None}
    assert contacts_everywhere(client, pair) == [contacts, contacts, contacts]
    assert move(client, pair, "partnership", "candidate").json()["contacts"] == contacts

    # the listings themselves never show contacts
    for url in (f"/api/initiatives/{pair['initiative']['id']}", f"/api/support-providers/{pair['provider']['id']}"):
        assert "contact" not in client.get(url).text


def test_a_refusal_hides_the_contacts_again(client: TestClient, pair: dict[str, Any]) -> None:
    move(client, pair, "contacted", "initiative")
    assert move(client, pair, "in_discussion", "candidate").json()["contacts"] is not None
    assert move(client, pair, "declined", "initiative").json()["contacts"] is None
    assert contacts_everywhere(client, pair) == [None, None, None]


# --- freshness ------------------------------------------------------------------------------


def test_an_edit_changes_scores_and_eligibility_on_the_next_read(client: TestClient, pair: dict[str, Any]) -> None:
    ini_id, provider_id, match_id = pair["initiative"]["id"], pair["provider"]["id"], pair["match_id"]
    first = ranking(client, ini_id, kind="support_provider")["items"][0]
    assert move(client, pair, "contacted", "initiative").status_code == 201
    match_id = pair["match_id"]

    # the provider stops accepting projects at the launch stage: no longer eligible, no longer listed
    client.patch(f"/api/support-providers/{provider_id}", json={"maturities": ["idea", "emergence"]})
    assert ranking(client, ini_id, kind="support_provider")["items"] == []
    assert client.get(f"/api/support-providers/{provider_id}/matches").json()["items"] == []
    stale = client.get(f"/api/matches/{match_id}").json()
    assert stale["eligible"] is False and stale["status"] == "contacted" and stale["blocking"]
    assert_problem(move(client, match_id, "in_discussion", "candidate"), 409, "status")

    # accepting it again, and offering premises too: listed again, same match and status, better score
    client.patch(f"/api/support-providers/{provider_id}", json={"maturities": [], "offers": ["premises", "funding"]})
    back = ranking(client, ini_id, kind="support_provider")["items"][0]
    assert (back["match_id"], back["status"]) == (match_id, "contacted")
    assert back["components"]["needs"] > first["components"]["needs"] and back["score"] != first["score"]
    assert not any("Locaux" in text for text in back["missing"])
    stored = client.get(f"/api/matches/{match_id}").json()
    assert stored["eligible"] is True and stored["components"] == back["components"]

    # the initiative moves to the Val-de-Marne: out of the provider's area
    client.patch(f"/api/initiatives/{ini_id}", json={"commune": "94071"})
    assert ranking(client, ini_id, kind="support_provider")["items"] == []
    assert move(client, match_id, "declined", "candidate").json()["status"] == "declined"  # always possible


def test_an_archived_listing_hides_its_matches(client: TestClient, pair: dict[str, Any]) -> None:
    move(client, pair, "contacted", "initiative")
    client.delete(f"/api/support-providers/{pair['provider']['id']}")
    assert ranking(client, pair["initiative"]["id"])["items"] == []
    assert_problem(client.get(f"/api/matches/{pair['match_id']}"), 404, None)
    assert_problem(move(client, pair, "contacted", "initiative"), 404, None)
    assert_problem(client.get(f"/api/support-providers/{pair['provider']['id']}/matches"), 404, None)


def test_unpublished_listings_have_no_matches(moderated_client: TestClient) -> None:
    ini = create(moderated_client, "initiatives", initiative())
    provider = create(moderated_client, "support-providers", support_provider())
    assert moderated_client.get(f"/api/initiatives/{ini['id']}/matches").status_code == 404
    assert moderated_client.get(f"/api/support-providers/{provider['id']}/matches").status_code == 404
    explain = moderated_client.get(f"/api/initiatives/{ini['id']}/matches/explain",
                                   params={"candidate_kind": "support_provider", "candidate_id": provider["id"]})
    assert explain.status_code == 404


# --- bad input ------------------------------------------------------------------------------


def test_bad_query_parameters_name_the_field(client: TestClient, pair: dict[str, Any]) -> None:
    url = f"/api/initiatives/{pair['initiative']['id']}/matches"
    assert_problem(client.get(url, params={"kind": "nope"}), 400, "kind")
    assert_problem(client.get(url, params={"kind": "initiative"}), 400, "kind")
    assert_problem(client.get(url, params={"limit": 0}), 400, "limit")
    assert_problem(client.get(url, params={"limit": 101}), 400, "limit")
    assert_problem(client.get(url, params={"limit": "ten"}), 400, "limit")
    explain = f"{url}/explain"
    provider_id = pair["provider"]["id"]
    assert_problem(client.get(explain, params={"candidate_id": provider_id}), 400, "candidate_kind")
    assert_problem(client.get(explain, params={"candidate_kind": "support_provider"}), 400, "candidate_id")
    assert_problem(client.get(explain, params={"candidate_kind": "nope", "candidate_id": provider_id}), 400,
                   "candidate_kind")
    assert_problem(client.get(explain, params={"candidate_kind": "takeover", "candidate_id": "abc"}), 400,
                   "candidate_id")
    assert_problem(client.get(explain, params={"candidate_kind": "takeover", "candidate_id": 2**40}), 400,
                   "candidate_id")
    assert_problem(client.get(explain, params={"candidate_kind": "takeover", "candidate_id": provider_id}), 404,
                   None)


def test_bad_ids_are_400_or_404(client: TestClient, pair: dict[str, Any]) -> None:
    move(client, pair, "contacted", "initiative")
    for response in (
        client.get("/api/initiatives/abc/matches"),
        client.get("/api/volunteer-offers/-1/matches"),
        client.get("/api/initiatives/1.5/matches/explain", params={"candidate_kind": "takeover", "candidate_id": 1}),
        client.get("/api/matches/abc"),
        move(client, "abc", "contacted", "initiative"),
    ):
        assert assert_problem(response, 400, "id")["extra"][0]["source"] == "path"
    for response in (
        client.get(f"/api/initiatives/{2**31}/matches"),
        client.get(f"/api/takeover-opportunities/{pair['provider']['id'] + 1000}/matches"),
        client.get(f"/api/matches/{pair['match_id'] + 1000}"),
        move(client, pair["match_id"] + 1000, "contacted", "initiative"),
    ):
        assert_problem(response, 404, None)


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "suggested"}, "status"),
    ({"status": "married", "side": "initiative"}, "status"),
    ({"side": "initiative"}, "status"),
    ({"status": "contacted", "side": "moderator"}, "side"),
    ({"status": "contacted", "side": "initiative", "note": "hello"}, "note"),
    ({"status": 1, "side": "initiative"}, "status"),
])
def test_bad_patch_bodies_name_the_field_and_change_nothing(client: TestClient, pair: dict[str, Any],
                                                            body: dict[str, Any], field: str) -> None:
    leader = SIDES["initiative"].headers
    assert_problem(client.post("/api/matches", json=pair_body(pair, **body), headers=leader), 400, field)
    assert ranking(client, pair["initiative"]["id"], kind="support_provider")["items"][0]["match_id"] is None
    move(client, pair, "contacted", "candidate")
    assert_problem(client.patch(f"/api/matches/{pair['match_id']}", json=body, headers=leader), 400, field)
    assert client.get(f"/api/matches/{pair['match_id']}").json()["status"] == "contacted"


@pytest.mark.parametrize(("body", "field"), [
    ({"candidate_kind": "initiative"}, "candidate_kind"),
    ({"candidate_id": "7"}, "candidate_id"),
    ({"candidate_id": 0}, "candidate_id"),
    ({"initiative_id": 2**40}, "initiative_id"),
])
def test_bad_pair_bodies_name_the_field(client: TestClient, pair: dict[str, Any], body: dict[str, Any],
                                        field: str) -> None:
    response = client.post("/api/matches", json=pair_body(pair, status="contacted") | body,
                           headers=SIDES["initiative"].headers)
    assert_problem(response, 400, field)
    assert ranking(client, pair["initiative"]["id"], kind="support_provider")["items"][0]["match_id"] is None


def test_acting_on_a_pair_that_is_not_listed_is_404(client: TestClient, pair: dict[str, Any]) -> None:
    leader = SIDES["initiative"].headers
    for body in (pair_body(pair, status="contacted", candidate_kind="takeover"),
                 pair_body(pair, status="contacted", initiative_id=pair["initiative"]["id"] + 1000)):
        assert_problem(client.post("/api/matches", json=body, headers=leader), 404, None)


def test_malformed_patch_body(client: TestClient, pair: dict[str, Any]) -> None:
    move(client, pair, "contacted", "candidate")
    response = client.patch(f"/api/matches/{pair['match_id']}", content=b'{"status": ',
                            headers={"content-type": "application/json", **SIDES["initiative"].headers})
    assert_problem(response, 400, "body")


# --- who moves a match ----------------------------------------------------------------------


def test_the_side_comes_from_the_account_and_nobody_else_moves_it(client: TestClient, pair: dict[str, Any],
                                                                   settings) -> None:
    leader, partner = SIDES["initiative"], SIDES["candidate"]
    outsider = make_person(settings, "project_leader")
    moderator = make_person(settings, "moderator")

    def refused(post: Any) -> None:
        # the leader may not act for the candidate: naming the other side is a 403, and changes nothing
        assert_problem(post({"status": "contacted", "side": "candidate"}, leader.headers), 403, "side")
        for who in (outsider, moderator):  # staff do not consent for the parties
            assert_problem(post({"status": "contacted"}, who.headers), 403, None)
        assert_problem(post({"status": "contacted"}, None), 403, None)  # the admin of the client
        with anonymously(client):
            assert_problem(post({"status": "contacted"}, None), 401, None)

    refused(lambda body, headers: client.post("/api/matches", json=pair_body(pair, **body), headers=headers))
    assert pair["match_id"] is None  # nothing stored
    done = client.post("/api/matches", json=pair_body(pair, status="contacted"), headers=partner.headers).json()
    assert [(e["side"], e["to_status"]) for e in done["history"]] == [("candidate", "contacted")]
    url = f"/api/matches/{done['id']}"
    refused(lambda body, headers: client.patch(url, json=body | {"status": "declined"}, headers=headers))
    assert client.get(url).json()["history"] == done["history"]


def test_an_account_on_both_sides_must_say_which(client: TestClient, settings) -> None:
    both = make_person(settings, "project_leader", organisations={"project_leader": None, "support_member": None})
    ini = client.post("/api/initiatives", json=initiative(), headers=both.headers).json()
    provider = client.post("/api/support-providers", json=support_provider(), headers=both.headers).json()
    body = pair_body({"initiative": ini, "provider": provider}, status="contacted")
    assert_problem(client.post("/api/matches", json=body, headers=both.headers), 400, "side")
    moved = client.post("/api/matches", json=body | {"side": "candidate"}, headers=both.headers)
    assert moved.status_code == 201 and moved.json()["history"][0]["side"] == "candidate"
    url = f"/api/matches/{moved.json()['id']}"
    assert_problem(client.patch(url, json={"status": "in_discussion"}, headers=both.headers), 400, "side")
    agreed = client.patch(url, json={"status": "in_discussion", "side": "initiative"}, headers=both.headers)
    assert agreed.status_code == 200 and agreed.json()["history"][1]["side"] == "initiative"


def test_contacts_are_for_the_parties_only(client: TestClient, pair: dict[str, Any], settings) -> None:
    move(client, pair, "contacted", "initiative")
    move(client, pair, "in_discussion", "candidate")
    url = f"/api/matches/{pair['match_id']}"
    for side in SIDES.values():
        assert client.get(url, headers=side.headers).json()["contacts"] is not None
    # anyone else is not told the match exists: 404 signed in, 401 anonymous
    assert_problem(client.get(url, headers=make_person(settings, "support_member").headers), 404, None)
    with anonymously(client):
        assert_problem(client.get(url), 401, None)
        assert ranking(client, pair["initiative"]["id"], kind="support_provider")["items"][0]["contacts"] is None
