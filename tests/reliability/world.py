"""A small world for the generated requests to land on: listings of every kind, matches, a pledge and
the organisations and accounts behind them, made over HTTP like any client would; and, for each path
parameter, the ids that exist (so that a share of the requests reach real objects, not only 404s)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from market.config import Settings
from tests.factories import BODIES
from tests.people import Person, make_person

# who makes each kind of listing (the member role that covers it)
MAKER = {"initiatives": "project_leader", "support-providers": "support_member",
         "takeover-opportunities": "business_member", "volunteer-offers": "business_member"}


@dataclass
class World:
    people: dict[str, Person]
    listings: dict[str, list[int]] = field(default_factory=dict)  # resource -> ids
    matches: list[int] = field(default_factory=list)
    pledges: list[int] = field(default_factory=list)

    def path_ids(self, path: str) -> dict[str, list[str]]:
        """The existing ids for the path parameters of this operation (an empty dict: none known)."""
        known: dict[str, list[str]] = {}
        resource = path.split("/")[2] if path.startswith("/api/") else ""
        if "{listing_id}" in path and resource in self.listings:
            known["listing_id"] = [str(i) for i in self.listings[resource]]
        if "{match_id}" in path and self.matches:
            known["match_id"] = [str(i) for i in self.matches]
        if "{pledge_id}" in path and self.pledges:
            known["pledge_id"] = [str(i) for i in self.pledges]
        organisations = sorted({o for p in self.people.values() for o in p.organisations.values()})
        if "{organisation_id}" in path:
            known["organisation_id"] = [str(i) for i in organisations]
        if "{account_id}" in path:
            known["account_id"] = [str(p.account_id) for p in self.people.values() if p.account_id]
        return known


def make_world(base_url: str, settings: Settings, copies: int = 2) -> World:
    people = {role: make_person(settings, role) for role in ("project_leader", "support_member", "business_member",
                                                              "admin")}
    world = World(people)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for resource, body in BODIES.items():
            for n in range(copies):
                made = client.post(f"/api/{resource}", json=body(description=f"{body()['description']} ({n})"),
                                   headers=people[MAKER[resource]].headers)
                assert made.status_code == 201, made.text
                world.listings.setdefault(resource, []).append(made.json()["id"])
        for initiative in world.listings["initiatives"]:
            ranked = client.get(f"/api/initiatives/{initiative}/matches", headers=people["admin"].headers)
            assert ranked.status_code == 200, ranked.text
            world.matches += [item["match_id"] for item in ranked.json()["items"] if item.get("match_id")]
            pledged = client.post(f"/api/initiatives/{initiative}/pledges", json=pledge_body())
            assert pledged.status_code == 201, pledged.text
            world.pledges.append(pledged.json()["pledge_id"])
    return world


def pledge_body(**overrides: Any) -> dict[str, Any]:
    return {"amount_cents": 1500, "email": "funder@example.org", "display_name": "Dominique", "anonymous": False,
            **overrides}
