"""The access matrix: every route x every role (anonymous, project leader, support member, business
member, funder, moderator, admin) x own / other organisation's object (published or not), asserting
the exact status. The expected statuses are written from the rules of README "Accounts and roles",
not from the code; no unauthorised request gets a 2xx.

One app and one set of people and listings for the whole module (fast); the requests that change
something act on fresh objects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings
from tests.conftest import _wipe, suite_settings
from tests.factories import BODIES, RESOURCES
from tests.helpers import run, sql
from tests.people import ROLES, Person, make_person

KIND = {"initiatives": "initiative", "support-providers": "support_provider",
        "takeover-opportunities": "takeover", "volunteer-offers": "volunteer_offer"}
COVERS = {"project_leader": {"initiatives"}, "support_member": {"support-providers"},
          "business_member": {"takeover-opportunities", "volunteer-offers"}, "funder": set()}
STAFF = {"moderator", "admin"}


@dataclass
class World:
    client: TestClient
    settings: Settings
    people: dict[str, Person]
    other_org: int
    listings: dict[tuple[str, str, str], int]  # (resource, own|other, published|pending) -> id

    def owner_org(self, resource: str, whose: str) -> int:
        if whose == "other":
            return self.other_org
        role = next(r for r, covered in COVERS.items() if resource in covered)
        return self.people[role].organisation_id  # type: ignore[return-value]

    def new_listing(self, resource: str, whose: str, state: str) -> int:
        admin = self.people["admin"].headers
        body = BODIES[resource](organisation_id=self.owner_org(resource, whose))
        created = self.client.post(f"/api/{resource}", json=body, headers=admin)
        assert created.status_code == 201, created.text
        listing_id = created.json()["id"]
        if state == "published":
            done = self.client.post(f"/api/{resource}/{listing_id}/moderation", json={"action": "publish"},
                                    headers=admin)
            assert done.status_code == 200, done.text
        return listing_id


@pytest.fixture(scope="module")
def world(database_url: str) -> Iterator[World]:
    settings = suite_settings(database_url, embedding_model="")
    people = {role: make_person(settings, role) for role in ROLES}
    other_org = make_person(settings, "funder").organisation_id
    with TestClient(create_app(settings)) as client:
        found = World(client, settings, people, other_org, {})  # type: ignore[arg-type]
        for resource in RESOURCES:
            for whose in ("own", "other"):
                for state in ("published", "pending"):
                    found.listings[(resource, whose, state)] = found.new_listing(resource, whose, state)
        yield found
    run(_wipe(database_url))


def is_owner(role: str, resource: str, whose: str) -> bool:
    return whose == "own" and resource in COVERS.get(role, set())


def cases() -> Iterator[tuple[str, str, str, str]]:
    """(role, resource, whose, state): "own" only for the role whose organisation holds that kind."""
    for role in ROLES:
        for resource in RESOURCES:
            for whose in ("own", "other"):
                if whose == "own" and resource not in COVERS.get(role, set()):
                    continue
                for state in ("published", "pending"):
                    yield role, resource, whose, state


def manage(role: str, resource: str, whose: str, state: str, ok: int) -> int:
    """Edit, archive, read the history: the organisation's members and the staff; else 401/403/404."""
    if role == "anonymous":
        return 401
    if role in STAFF or is_owner(role, resource, whose):
        return ok
    return 403 if state == "published" else 404


def read(role: str, resource: str, whose: str, state: str) -> int:
    return 200 if state == "published" or role in STAFF or is_owner(role, resource, whose) else 404


def check(world: World, expected: Callable[..., int], request: Callable[..., Any], *,
          fresh: bool = False) -> None:
    wrong = []
    for role, resource, whose, state in cases():
        want = expected(role, resource, whose, state)
        if fresh and 200 <= want < 300:  # the request changes the listing: give it one of its own
            listing_id = world.new_listing(resource, whose, state)
        else:
            listing_id = world.listings[(resource, whose, state)]
        response = request(world.client, resource, listing_id, world.people[role].headers)
        if response.status_code != want:
            wrong.append((role, resource, whose, state, want, response.status_code, response.text[:120]))
    assert wrong == [], "\n".join(map(str, wrong))


LISTING_ROUTES = {
    "GET /api/{resource}/{id}": (read, lambda c, r, i, h: c.get(f"/api/{r}/{i}", headers=h), False),
    "PATCH /api/{resource}/{id}": (lambda *a: manage(*a, ok=200),
                                   lambda c, r, i, h: c.patch(f"/api/{r}/{i}", json={}, headers=h), False),
    "DELETE /api/{resource}/{id}": (lambda *a: manage(*a, ok=200),
                                    lambda c, r, i, h: c.delete(f"/api/{r}/{i}", headers=h), True),
    "GET /api/{resource}/{id}/moderation": (lambda *a: manage(*a, ok=200),
                                            lambda c, r, i, h: c.get(f"/api/{r}/{i}/moderation", headers=h), False),
    "POST /api/{resource}/{id}/moderation": (
        lambda role, resource, whose, state: 401 if role == "anonymous" else 200 if role in STAFF else 403,
        lambda c, r, i, h: c.post(f"/api/{r}/{i}/moderation", json={"action": "archive"}, headers=h), True),
    "GET /api/{resource}/{id}/matches": (lambda role, resource, whose, state: 200 if state == "published" else 404,
                                         lambda c, r, i, h: c.get(f"/api/{r}/{i}/matches", headers=h), False),
    "GET /api/{resource}/{id}/matches/explain": (
        lambda role, resource, whose, state: (200 if state == "published" else 404) if resource == "initiatives"
        else 404,
        lambda c, r, i, h: c.get(f"/api/{r}/{i}/matches/explain", headers=h,
                                 params={"candidate_kind": "takeover", "candidate_id": 1}), False),
    "GET /api/initiatives/{id}/funding": (
        lambda role, resource, whose, state: (200 if state == "published" else 404) if resource == "initiatives"
        else 404,
        lambda c, r, i, h: c.get(f"/api/{r}/{i}/funding", headers=h), False),
    "POST /api/initiatives/{id}/pledges (open to all: refused only for its amount)": (
        lambda role, resource, whose, state: 400 if resource == "initiatives" and state == "published" else 404,
        lambda c, r, i, h: c.post(f"/api/{r}/{i}/pledges", headers=h,
                                  json={"amount_cents": 1, "email": "a@b.fr", "anonymous": True}), False),
}


@pytest.mark.parametrize("route", LISTING_ROUTES)
def test_listing_routes(world: World, route: str) -> None:
    expected, request, fresh = LISTING_ROUTES[route]
    if route.startswith("GET /api/{resource}/{id}/matches/explain"):
        def request(c, r, i, h):
            takeover = world.listings[("takeover-opportunities", "other", "published")]
            url = f"/api/initiatives/{i}/matches/explain" if r == "initiatives" else f"/api/{r}/{i}/matches/explain"
            return c.get(url, headers=h, params={"candidate_kind": "takeover", "candidate_id": takeover})
    check(world, expected, request, fresh=fresh)


def test_create_a_listing(world: World) -> None:
    wrong = []
    for role in ROLES:
        for resource in RESOURCES:
            want = 401 if role == "anonymous" else 201 if role in STAFF or resource in COVERS[role] else 403
            response = world.client.post(f"/api/{resource}", json=BODIES[resource](),
                                         headers=world.people[role].headers)
            if response.status_code != want:
                wrong.append((role, resource, want, response.status_code, response.text[:120]))
            elif want == 201 and role not in STAFF:
                assert response.json()["organisation"]["id"] == world.people[role].organisation_id
            # naming another organisation is refused to members
            if role in COVERS and resource in COVERS[role]:
                named = world.client.post(f"/api/{resource}", json=BODIES[resource](organisation_id=world.other_org),
                                          headers=world.people[role].headers)
                if named.status_code != 403:
                    wrong.append((role, resource, "other organisation", named.status_code))
    assert wrong == [], "\n".join(map(str, wrong))


def statuses(world: World, request: Callable[[Person], Any]) -> dict[str, int]:
    return {role: request(world.people[role]).status_code for role in ROLES}


def everyone_but_anonymous(ok: int) -> dict[str, int]:
    return {role: 401 if role == "anonymous" else ok for role in ROLES}


def staff_only(ok: int, staff: set[str] = STAFF) -> dict[str, int]:
    return {role: 401 if role == "anonymous" else ok if role in staff else 403 for role in ROLES}


ACCOUNT_ROUTES: dict[str, tuple[dict[str, int], Callable[[World, Person], Any]]] = {
    "GET /api/me": (everyone_but_anonymous(200), lambda w, p: w.client.get("/api/me", headers=p.headers)),
    "GET /api/me/export": (everyone_but_anonymous(200),
                           lambda w, p: w.client.get("/api/me/export", headers=p.headers)),
    "GET /api/me/tokens": (everyone_but_anonymous(200), lambda w, p: w.client.get("/api/me/tokens", headers=p.headers)),
    "POST /api/me/tokens": (everyone_but_anonymous(201), lambda w, p: w.client.post(
        "/api/me/tokens", json={"name": "matrice"}, headers=p.headers)),
    "DELETE /api/me/tokens/{id} (another account's)": (everyone_but_anonymous(404), lambda w, p: w.client.delete(
        f"/api/me/tokens/{_someone_elses_token(w)}", headers=p.headers)),
    "POST /api/organisations": (everyone_but_anonymous(201), lambda w, p: w.client.post(
        "/api/organisations", json={"name": "Nouvelle", "kind": "business", "role": "funder"}, headers=p.headers)),
    "GET /api/organisations/{other}": ({role: 200 for role in ROLES}, lambda w, p: w.client.get(
        f"/api/organisations/{w.other_org}", headers=p.headers)),
    # issue 11: only an organisation's owners invite, remove members and change roles (admins neither)
    "POST /api/organisations/{other}/members": (staff_only(202, set()), lambda w, p: w.client.post(
        f"/api/organisations/{w.other_org}/members", headers=p.headers,
        json={"email": make_person(w.settings, "funder").email, "role": "funder"})),
    "PUT /api/organisations/{other}/members/{id}": (staff_only(200, set()), lambda w, p: w.client.put(
        f"/api/organisations/{w.other_org}/members/{2**30}", json={"role": "funder"}, headers=p.headers)),
    "DELETE /api/organisations/{other}/members/{id}": (staff_only(404, set()), lambda w, p: w.client.delete(
        f"/api/organisations/{w.other_org}/members/{2**30}", headers=p.headers)),
    "GET /api/me/invitations": (everyone_but_anonymous(200), lambda w, p: w.client.get(
        "/api/me/invitations", headers=p.headers)),
    "POST /api/me/invitations/{id}/accept (someone else's)": (everyone_but_anonymous(404), lambda w, p: w.client.post(
        f"/api/me/invitations/{_someone_elses_invitation(w)}/accept", headers=p.headers)),
    "GET /api/me/sessions": (everyone_but_anonymous(200), lambda w, p: w.client.get(
        "/api/me/sessions", headers=p.headers)),
    "GET /api/moderation/queue": (staff_only(200), lambda w, p: w.client.get("/api/moderation/queue",
                                                                             headers=p.headers)),
    "GET /api/moderation/actions": (staff_only(200), lambda w, p: w.client.get("/api/moderation/actions",
                                                                               headers=p.headers)),
    "POST /api/admin/pledges/{id}/refunds": (staff_only(404, {"admin"}), lambda w, p: w.client.post(
        "/api/admin/pledges/999999/refunds", json={}, headers=p.headers)),
    "PUT /api/admin/accounts/{id}/platform-role": (staff_only(200, {"admin"}), lambda w, p: w.client.put(
        f"/api/admin/accounts/{make_person(w.settings, 'funder').account_id}/platform-role",
        json={"platform_role": None}, headers=p.headers)),
    "GET public routes": ({role: 200 for role in ROLES}, lambda w, p: _all_public(w, p)),
}


def _someone_elses_token(world: World) -> int:
    owner = make_person(world.settings, "funder")
    return sql(world.settings.database_url, "SELECT id FROM api_tokens WHERE account_id = :a", a=owner.account_id)[0][0]


def _someone_elses_invitation(world: World) -> int:
    owner = world.people["project_leader"]
    sent = world.client.post(f"/api/organisations/{owner.organisation_id}/members", headers=owner.headers,
                             json={"email": "quelquun@example.org", "role": "funder"})
    assert sent.status_code == 202, sent.text
    return sql(world.settings.database_url, "SELECT max(id) FROM invitations")[0][0]


class _Status:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code


def _all_public(world: World, person: Person) -> _Status:
    paths = ["/health", "/api/vocabulary", "/api/territories?q=belfort", "/api/initiatives",
             "/api/support-providers?territory=90", "/api/volunteer-offers/export?format=csv", "/schema/openapi.json"]
    codes = {world.client.get(path, headers=person.headers).status_code for path in paths}
    return _Status(codes.pop() if len(codes) == 1 else 0)


@pytest.mark.parametrize("route", ACCOUNT_ROUTES)
def test_account_and_staff_routes(world: World, route: str) -> None:
    want, request = ACCOUNT_ROUTES[route]
    got = {role: request(world, world.people[role]).status_code for role in ROLES}
    assert got == want


def test_own_organisation_members_invitations_and_owner_only_actions(world: World) -> None:
    leader = world.people["project_leader"]
    url = f"/api/organisations/{leader.organisation_id}"
    invitee = make_person(world.settings, "funder")
    sent = world.client.post(f"{url}/members", json={"email": invitee.email, "role": "project_leader"},
                             headers=leader.headers)
    assert sent.status_code == 202, sent.text
    assert invitee.account_id not in {m["account_id"] for m in world.client.get(url, headers=leader.headers)
                                      .json()["members"]}  # not enrolled before accepting
    [pending] = world.client.get("/api/me/invitations", headers=invitee.headers).json()
    accepted = world.client.post(f"/api/me/invitations/{pending['id']}/accept", headers=invitee.headers)
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True
    seen = {role: world.client.get(url, headers=world.people[role].headers).json()["members"] is not None
            for role in ROLES}
    assert seen == {role: role in ("project_leader", *STAFF) for role in ROLES}
    # the new member is not an owner: it may not invite, change roles or remove others, but may leave
    member_only = {
        "invite": world.client.post(f"{url}/members", json={"email": "x@example.org", "role": "funder"},
                                    headers=invitee.headers).status_code,
        "change": world.client.put(f"{url}/members/{leader.account_id}", json={"role": "funder"},
                                   headers=invitee.headers).status_code,
        "remove": world.client.delete(f"{url}/members/{leader.account_id}", headers=invitee.headers).status_code,
    }
    assert member_only == {"invite": 403, "change": 403, "remove": 403}
    assert world.client.delete(f"{url}/members/{invitee.account_id}", headers=invitee.headers).status_code == 204


def test_moving_a_match_is_for_its_two_parties_only(world: World) -> None:
    initiative = world.listings[("initiatives", "own", "published")]
    provider = world.listings[("support-providers", "own", "published")]
    pair = {"initiative_id": initiative, "candidate_kind": "support_provider", "candidate_id": provider}
    outsiders = {role: world.client.post("/api/matches", json=pair | {"status": "contacted"},
                                         headers=world.people[role].headers).status_code
                 for role in ROLES if role not in ("project_leader", "support_member")}
    assert outsiders == {"anonymous": 401, "business_member": 403, "funder": 403, "moderator": 403, "admin": 403}
    leader, partner = world.people["project_leader"], world.people["support_member"]
    created = world.client.post("/api/matches", json=pair | {"status": "contacted"}, headers=leader.headers)
    assert created.status_code == 201, created.text
    url = f"/api/matches/{created.json()['id']}"
    outsiders = {role: world.client.patch(url, json={"status": "declined"}, headers=world.people[role].headers)
                 .status_code for role in ROLES if role not in ("project_leader", "support_member")}
    assert outsiders == {"anonymous": 401, "business_member": 403, "funder": 403, "moderator": 403, "admin": 403}
    assert world.client.patch(url, json={"status": "in_discussion"}, headers=partner.headers).status_code == 200
    # the match and its contacts are for the parties and the staff: anyone else is not told it exists
    seen = {role: world.client.get(url, headers=world.people[role].headers) for role in ROLES}
    assert {role: r.status_code for role, r in seen.items()} == {
        role: 200 if role in ("project_leader", "support_member", *STAFF) else 401 if role == "anonymous" else 404
        for role in ROLES}
    assert all(r.json()["contacts"] is not None for r in seen.values() if r.status_code == 200)
    # in a ranking, only they see its id and status
    page = {role: world.client.get(f"/api/initiatives/{initiative}/matches", params={"kind": "support_provider"},
                                   headers=world.people[role].headers).json() for role in ROLES}
    listed = {role: next((i["match_id"], i["status"]) for i in p["items"] if i["candidate"]["id"] == provider)
              for role, p in page.items()}
    assert listed == {role: (created.json()["id"], "in_discussion")
                      if role in ("project_leader", "support_member", *STAFF) else (None, "suggested")
                      for role in ROLES}


def test_an_unconfirmed_account_may_only_read_itself_and_erase_itself(world: World) -> None:
    person = make_person(world.settings, "funder", verified=False)
    got = {route: request(world, person).status_code for route, (_, request) in ACCOUNT_ROUTES.items()
           if route != "GET public routes"}
    want = {route: 403 for route in got}
    want["GET /api/me"] = 200
    want["GET /api/organisations/{other}"] = 200  # public, as for anyone
    assert got == want
    assert world.client.delete("/api/me", headers=person.headers).status_code == 204


def test_erasing_oneself(world: World) -> None:
    got = {}
    for role in ROLES:
        person = make_person(world.settings, role) if role != "anonymous" else world.people[role]
        got[role] = world.client.delete("/api/me", headers=person.headers).status_code
    assert got == everyone_but_anonymous(204)  # fresh accounts: the module's people stay
