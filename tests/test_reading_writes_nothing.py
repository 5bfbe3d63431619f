"""Reading is never writing: GETs of rankings, explanations, matches and the web pages that show them,
anonymous and signed in, leave every table's rows as they were (a checksum of each table, before and
after), on SQLite and on PostgreSQL. A match is stored only when a party acts on a pair."""

from __future__ import annotations

import hashlib
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from market.accounts.session_models import StoreItem, WebSession
from market.config import Settings
from market.db import session_scope
from market.models import Base
from tests.browser import as_browser, login
from tests.factories import initiative, support_provider, takeover, volunteer_offer
from tests.helpers import run
from tests.people import Person, anonymously, make_person

TABLES = [*Base.metadata.sorted_tables, WebSession.__table__, StoreItem.__table__]


def checksums(settings: Settings) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows (in a stable order)."""

    async def go() -> dict[str, tuple[int, str]]:
        found = {}
        async with session_scope(settings) as session:
            for table in TABLES:
                rows = sorted(repr(tuple(row)) for row in await session.execute(select(table)))
                found[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return found

    return run(go())


def reads(client: TestClient, ids: dict[str, int], match_id: int) -> list[str]:
    """Every GET that shows rankings or matches, in the API and in the web client; the urls answered."""
    ini = ids["initiatives"]
    urls = [f"/api/initiatives/{ini}/matches", f"/api/initiatives/{ini}/matches?kind=support_provider",
            *(f"/api/{resource}/{ids[resource]}/matches"
              for resource in ("support-providers", "takeover-opportunities", "volunteer-offers")),
            *(f"/api/initiatives/{ini}/matches/explain?candidate_kind={kind}&candidate_id={ids[resource]}"
              for kind, resource in (("support_provider", "support-providers"), ("takeover", "takeover-opportunities"),
                                     ("volunteer_offer", "volunteer-offers"))),
            f"/api/matches/{match_id}",
            f"/initiatives/{ini}/rapprochements", f"/accompagnement/{ids['support-providers']}/initiatives",
            f"/reprises/{ids['takeover-opportunities']}/initiatives", f"/mecenat/{ids['volunteer-offers']}/initiatives",
            "/mes-mises-en-relation", "/"]
    answered = []
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, (url, response.text)
        if response.status_code == 200:
            answered.append(url)
    return answered


def test_rankings_and_matches_are_read_without_writing(client: TestClient, settings: Settings) -> None:
    leader = make_person(settings, "project_leader")
    partner = make_person(settings, "business_member", organisations={"support_member": None,
                                                                        "business_member": None})
    outsider = make_person(settings, "support_member")
    ids = {"initiatives": client.post("/api/initiatives", json=initiative(), headers=leader.headers).json()["id"]}
    for resource, body in (("support-providers", support_provider()), ("takeover-opportunities", takeover()),
                           ("volunteer-offers", volunteer_offer())):
        created = client.post(f"/api/{resource}", json=body, headers=partner.headers)
        assert created.status_code == 201, created.text
        ids[resource] = created.json()["id"]
    # one match the parties took to a discussion, the others only ranked
    acted = client.post("/api/matches", headers=leader.headers, json={
        "initiative_id": ids["initiatives"], "candidate_kind": "support_provider",
        "candidate_id": ids["support-providers"], "status": "contacted"})
    assert acted.status_code == 201, acted.text
    match_id = acted.json()["id"]
    assert client.patch(f"/api/matches/{match_id}", json={"status": "in_discussion"},
                        headers=partner.headers).status_code == 200
    people: list[Person] = [leader, partner, outsider, make_person(settings, "moderator")]
    for person in people:  # a token's first use is noted (once an hour): done here, before the checksum
        assert client.get("/api/me", headers=person.headers).status_code == 200
    assert client.get("/api/me").status_code == 200  # the admin's token

    answered: dict[str, list[str]] = {}
    with as_browser(client):  # signed in with a session cookie, as the web client is (signing in writes)
        assert login(client, leader.email or "").status_code == 200
        before = checksums(settings)
        answered["leader's browser"] = reads(client, ids, match_id)
    assert before["matches"][0] == 1 and before["web_sessions"][0] == 1
    with anonymously(client):
        answered["anonymous"] = reads(client, ids, match_id)
    answered["admin"] = reads(client, ids, match_id)
    for person in people:
        with anonymously(client):
            client.headers.update(person.headers)
            answered[person.role] = reads(client, ids, match_id)
            client.headers.pop("Authorization")
    assert checksums(settings) == before
    # the reads did happen: the rankings for everyone, the match for its parties and the staff
    assert all(f"/api/initiatives/{ids['initiatives']}/matches" in urls for urls in answered.values())
    assert {who for who, urls in answered.items() if f"/api/matches/{match_id}" in urls} == {
        "admin", "project_leader", "business_member", "moderator", "leader's browser"}


def test_an_anonymous_reader_does_not_see_who_talks_with_whom(client: TestClient, settings: Settings) -> None:
    leader = make_person(settings, "project_leader")
    partner = make_person(settings, "support_member")
    ini = client.post("/api/initiatives", json=initiative(), headers=leader.headers).json()["id"]
    provider = client.post("/api/support-providers", json=support_provider(), headers=partner.headers).json()["id"]
    pair = {"initiative_id": ini, "candidate_kind": "support_provider", "candidate_id": provider}
    match_id = client.post("/api/matches", json=pair | {"status": "contacted"}, headers=leader.headers).json()["id"]
    client.patch(f"/api/matches/{match_id}", json={"status": "in_discussion"}, headers=partner.headers)

    def seen(headers: dict[str, str] | None) -> dict[str, Any]:
        forward = client.get(f"/api/initiatives/{ini}/matches", headers=headers).json()["items"][0]
        reverse = client.get(f"/api/support-providers/{provider}/matches", headers=headers).json()["items"][0]
        explain = client.get(f"/api/initiatives/{ini}/matches/explain", headers=headers,
                             params={"candidate_kind": "support_provider", "candidate_id": provider}).json()
        page = client.get(f"/initiatives/{ini}/rapprochements", headers=headers).text
        return {"forward": (forward["match_id"], forward["status"]), "reverse": (reverse["match_id"],
                                                                                 reverse["status"]),
                "explain": (explain["match_id"], explain["status"]), "page": "en discussion" in page,
                "match": client.get(f"/api/matches/{match_id}", headers=headers).status_code}

    stranger = make_person(settings, "support_member")
    with anonymously(client):
        hidden = {"forward": (None, "suggested"), "reverse": (None, "suggested"), "explain": (None, None),
                  "page": False}
        assert seen(None) == hidden | {"match": 401}
        assert seen(stranger.headers) == hidden | {"match": 404}
        shown = {"forward": (match_id, "in_discussion"), "reverse": (match_id, "in_discussion"),
                 "explain": (match_id, "in_discussion"), "page": True, "match": 200}
        for party in (leader, partner, make_person(settings, "moderator")):
            assert seen(party.headers) == shown
