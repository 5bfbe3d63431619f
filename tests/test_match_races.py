"""Two moves of one match at the same moment, in real concurrent sessions (two connections of one
pool, on SQLite and on PostgreSQL): exactly one wins, the other gets a 409 and changes nothing.
Both are held at their first write of the match (the UPDATE of a stored match, the INSERT of a
pair nobody acted on) until both have read and checked it, so the race happens every run instead
of now and then."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import event
from sqlalchemy.util import await_only

from market.access import Identity
from market.accounts import service as accounts
from market.config import Settings
from market.db import session_factory
from market.errors import InvalidTransition
from market.matches import service as matches
from tests.factories import initiative, support_provider
from tests.helpers import run, sql
from tests.people import Person, make_person


@pytest.fixture()
def sides(settings: Settings) -> dict[str, Person]:
    return {"initiative": make_person(settings, "project_leader"),
            "candidate": make_person(settings, "support_member")}


@pytest.fixture()
def pair(client: TestClient, sides: dict[str, Person]) -> tuple[int, int]:
    """An initiative and a provider that fit, ranked but not acted on: no match stored yet."""
    ini = client.post("/api/initiatives", json=initiative(), headers=sides["initiative"].headers).json()
    provider = client.post("/api/support-providers", json=support_provider(),
                           headers=sides["candidate"].headers).json()
    page = client.get(f"/api/initiatives/{ini['id']}/matches", params={"kind": "support_provider"}).json()
    assert next(i["match_id"] for i in page["items"] if i["candidate"]["id"] == provider["id"]) is None
    return ini["id"], provider["id"]


@pytest.fixture()
def match_id(client: TestClient, sides: dict[str, Person], pair: tuple[int, int]) -> int:
    """The pair's match, stored when the initiative showed interest (contacted)."""
    body = {"initiative_id": pair[0], "candidate_kind": "support_provider", "candidate_id": pair[1],
            "status": "contacted"}
    created = client.post("/api/matches", json=body, headers=sides["initiative"].headers)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def _race(settings: Settings, target: int | tuple[int, int], moves: list[tuple[Person, str]]) -> list[Any]:
    """Run the moves at once, each in its own session and transaction; each result is the new
    status or the InvalidTransition raised."""
    async with session_factory(settings) as factory:
        async with factory() as session:
            people = [await accounts.identity(session, person.account_id, via="token") for person, _ in moves]
        barrier = asyncio.Barrier(len(moves))
        held: set[int] = set()

        def hold_first_update(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            first_write = statement.lstrip().upper().startswith(("UPDATE MATCHES", "INSERT INTO MATCHES"))
            if first_write and id(conn) not in held:
                held.add(id(conn))
                await_only(barrier.wait())  # both have read the match and checked the move

        engine = factory.kw["bind"].sync_engine
        event.listen(engine, "before_cursor_execute", hold_first_update)

        async def one(identity: Identity | None, to: str) -> Any:
            async with factory() as session:
                try:
                    async with session.begin():
                        if isinstance(target, int):
                            moved = await matches.move(session, target, to, None,  # type: ignore[arg-type]
                                                       actor=identity, model=None)
                        else:
                            moved, _ = await matches.act(session, target[0], "support_provider", target[1],
                                                         to, None, actor=identity, model=None)  # type: ignore[arg-type]
                    return moved.status
                except InvalidTransition as exc:
                    return exc

        try:
            runs = [one(person, to) for person, (_, to) in zip(people, moves, strict=True)]
            return await asyncio.wait_for(asyncio.gather(*runs), 60)
        finally:
            event.remove(engine, "before_cursor_execute", hold_first_update)


def history(settings: Settings, match_id: int) -> list[tuple[str, str]]:
    return [tuple(r) for r in sql(settings.database_url, "SELECT side, to_status FROM match_events "
                                                          "WHERE match_id = :id ORDER BY id", id=match_id)]


def test_decline_and_agree_at_once_one_wins(client: TestClient, settings: Settings, sides, match_id: int) -> None:
    results = run(_race(settings, match_id, [(sides["candidate"], "in_discussion"),
                                             (sides["initiative"], "declined")]))
    won = [r for r in results if isinstance(r, str)]
    lost = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(won) == 1 and len(lost) == 1, results  # both won before: the decline could be lost
    assert lost[0].status_code == 409
    [(status,)] = sql(settings.database_url, "SELECT status FROM matches WHERE id = :id", id=match_id)
    assert status == won[0]
    assert len(history(settings, match_id)) == 2  # contacted, then the winner only


def test_both_sides_interested_at_once_is_never_stuck(client: TestClient, settings: Settings, sides,
                                                       pair: tuple[int, int]) -> None:
    """Both parties act on the same unstored pair at once: one creates the match, the other gets 409."""
    results = run(_race(settings, pair, [(sides["initiative"], "contacted"), (sides["candidate"], "contacted")]))
    assert sorted(isinstance(r, str) for r in results) == [False, True], results
    assert [r.status_code for r in results if isinstance(r, InvalidTransition)] == [409]
    [(match_id, status, ini_at, cand_at)] = sql(settings.database_url, "SELECT id, status, initiative_interest_at, "
                                                "candidate_interest_at FROM matches")
    assert status == "contacted" and (ini_at is None) != (cand_at is None)  # one side's interest, not both
    loser = "candidate" if ini_at is not None else "initiative"
    agreed = client.patch(f"/api/matches/{match_id}", json={"status": "in_discussion"}, headers=sides[loser].headers)
    assert agreed.status_code == 200 and agreed.json()["status"] == "in_discussion", agreed.text
