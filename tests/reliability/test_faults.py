"""The database goes away under load and comes back.

A private PostgreSQL cluster (cluster.py), migrated, with the territory reference copied from the
suite's database; the real app served by uvicorn on it, wired to localstripe. Four clients write
listings of every kind, move matches forward and pledge, each write tagged with a reference of its
own; after a first share is acknowledged the cluster is stopped at once (`pg_ctl -m immediate`: every
backend killed mid-transaction, as in a crash) and started again a few seconds later. Then:

- while it is down, every answer is a 503 problem document with Retry-After, and /health says 503
  with `database: unavailable`;
- the same app process serves again once the cluster is back (no restart), /health says `ok`;
- nothing acknowledged (2xx) is lost, and every write, acknowledged or not, is whole or absent;
- no answer is a 500.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from alembic import command
from alembic.config import Config

from market.config import ROOT, Settings
from tests.factories import BODIES
from tests.people import Person, make_person
from tests.reliability.cluster import PrivateCluster
from tests.reliability.conftest import plain_dsn
from tests.reliability.live import SERVER_ENV, Served, serving, tracebacks
from tests.reliability.report import say
from tests.reliability.world import MAKER, pledge_body
from tests.stripe_fixtures import payment_settings

REFERENCE = ("regions", "departments", "epcis", "communes")  # parents first
WORKERS = 4
BEFORE_STOP = 16  # acknowledged writes before the cluster is stopped
AFTER_START = 16  # acknowledged writes after it is back, then the load ends
DOWN_SECONDS = 4.0
MAX_REQUESTS = 2000  # bounds of the load, whatever happens
MAX_SECONDS = 120.0
PAUSE, BACK_OFF = 0.02, 0.25  # between two requests of one client; after a refusal (a 503)
MOVES = ("contacted", "in_discussion", "partnership")  # a match's way forward, one step per request
MOVER = {"contacted": "project_leader", "in_discussion": "support_member", "partnership": "project_leader"}


@dataclass
class Answer:
    kind: str  # listing, pledge, match
    reference: str  # the write's own tag (listing description, pledge email) or "match <id> <status>"
    sent: float
    status: int | None  # None: no HTTP answer at all
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Timeline:
    stopping: float = 0.0  # pg_ctl stop called
    stopped: float = 0.0  # it returned: the cluster is down
    starting: float = 0.0  # pg_ctl start called
    started: float = 0.0  # it returned: the cluster accepts connections
    health_down: list[tuple[int, Any]] = field(default_factory=list)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    private = PrivateCluster()
    try:
        private.init()
        private.start()
        yield private
    finally:
        private.destroy()


@pytest.fixture(scope="module")
def fault_settings(cluster: PrivateCluster, database_url: str, localstripe: str, live_smtp: int) -> Settings:
    url = cluster.create_database("bourse")
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")
    asyncio.run(_copy_reference(database_url, url))
    return payment_settings(url, localstripe, live_smtp)


async def _copy_reference(source: str, target: str) -> None:
    """The territory reference of the suite's database, copied table by table (binary COPY)."""
    reading, writing = await asyncpg.connect(plain_dsn(source)), await asyncpg.connect(plain_dsn(target))
    try:
        for table in REFERENCE:
            buffer = io.BytesIO()
            await reading.copy_from_table(table, output=buffer, format="binary")
            buffer.seek(0)
            await writing.copy_to_table(table, source=buffer, format="binary")
    finally:
        await reading.close()
        await writing.close()


class Load:
    """The clients' work: listings, pledges and match moves, each request recorded with its answer."""

    def __init__(self, base_url: str, people: dict[str, Person], initiatives: list[int], matches: list[int]) -> None:
        self.base_url, self.people, self.initiatives = base_url, people, initiatives
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.sequence = itertools.count()
        # each match (stored as contacted) is moved by one client only, one step after the other
        self.steps = {worker: [[m, 1] for m in matches[worker::WORKERS]] for worker in range(WORKERS)}

    def acknowledged(self, since: float = 0.0) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a.acknowledged and a.sent >= since)

    def run(self, worker: int) -> None:
        started = time.monotonic()
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            for turn in itertools.count():
                if self.done.is_set() or len(self.answers) >= MAX_REQUESTS or time.monotonic() - started > MAX_SECONDS:
                    return
                send = (self.listing, self.pledge, self.move)[turn % 3]
                answer = send(client, worker, next(self.sequence))
                with self.lock:
                    self.answers.append(answer)
                time.sleep(PAUSE if answer.status is not None and answer.status < 500 else BACK_OFF)

    def _send(self, client: httpx.Client, kind: str, reference: str, method: str, url: str, **kwargs: Any) -> Answer:
        sent = time.monotonic()
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError:
            return Answer(kind, reference, sent, None)
        try:
            body = response.json()
        except ValueError:
            body = response.text[:300]
        return Answer(kind, reference, sent, response.status_code, dict(response.headers), body)

    def listing(self, client: httpx.Client, worker: int, n: int) -> Answer:
        resource = list(BODIES)[n % len(BODIES)]
        reference = f"réf-{worker}-{n}"
        body = BODIES[resource]()
        body["description"] = f"{body['description']} {reference}"
        answer = self._send(client, "listing", reference, "POST", f"/api/{resource}", json=body,
                            headers=self.people[MAKER[resource]].headers)
        answer.kind = f"listing:{resource}"
        return answer

    def pledge(self, client: httpx.Client, worker: int, n: int) -> Answer:
        reference = f"don-{worker}-{n}@example.org"
        initiative = self.initiatives[n % len(self.initiatives)]
        return self._send(client, "pledge", reference, "POST", f"/api/initiatives/{initiative}/pledges",
                          json=pledge_body(email=reference, amount_cents=200 + n))

    def move(self, client: httpx.Client, worker: int, n: int) -> Answer:
        pending = [step for step in self.steps[worker] if step[1] < len(MOVES)]
        if not pending:
            return self.listing(client, worker, n)
        step = pending[n % len(pending)]
        match_id, status = step[0], MOVES[step[1]]
        answer = self._send(client, "match", f"match {match_id} {status}", "PATCH", f"/api/matches/{match_id}",
                            json={"status": status}, headers=self.people[MOVER[status]].headers)
        if answer.acknowledged or answer.status == 409:
            step[1] += 1
        return answer


def prepare(served: Served, settings: Settings) -> tuple[dict[str, Person], list[int], list[int]]:
    """People, four initiatives and three support providers, and the twelve pairs stored as matches by the
    initiatives showing interest (contacted), before the load."""
    people = {role: make_person(settings, role) for role in ("project_leader", "support_member", "business_member",
                                                              "admin")}
    with httpx.Client(base_url=served.url, timeout=60) as client:
        def made(resource: str, role: str, **overrides: Any) -> int:
            response = client.post(f"/api/{resource}", json=BODIES[resource](**overrides),
                                   headers=people[role].headers)
            assert response.status_code == 201, response.text
            return int(response.json()["id"])

        initiatives = [made("initiatives", "project_leader", title=f"Initiative de départ {n}") for n in range(4)]
        for n in range(3):
            made("support-providers", "support_member", name=f"Accompagnement de départ {n}", capacity=20)
        matches: list[int] = []
        for initiative in initiatives:
            ranked = client.get(f"/api/initiatives/{initiative}/matches", params={"kind": "support_provider"},
                                headers=people["admin"].headers)
            assert ranked.status_code == 200, ranked.text
            for item in ranked.json()["items"]:  # a ranked pair is stored when a party acts: contacted
                pair = {"initiative_id": initiative, "candidate_kind": "support_provider",
                        "candidate_id": item["candidate"]["id"], "status": MOVES[0]}
                created = client.post("/api/matches", json=pair, headers=people[MOVER[MOVES[0]]].headers)
                assert created.status_code == 201, created.text
                matches.append(int(created.json()["id"]))
    assert len(matches) == 12, matches
    return people, initiatives, matches


def run_load(load: Load, cluster: PrivateCluster, served: Served) -> Timeline:
    timeline = Timeline()
    threads = [threading.Thread(target=load.run, args=(w,), daemon=True) for w in range(WORKERS)]
    for thread in threads:
        thread.start()
    try:
        assert wait_for(lambda: load.acknowledged() >= BEFORE_STOP, 60), "no acknowledged write before the stop"
        timeline.stopping = time.monotonic()
        cluster.stop("immediate")
        timeline.stopped = time.monotonic()
        while time.monotonic() - timeline.stopped < DOWN_SECONDS:
            response = httpx.get(f"{served.url}/health", timeout=30)
            timeline.health_down.append((response.status_code, response.json()))
            time.sleep(0.5)
        timeline.starting = time.monotonic()
        cluster.start()
        timeline.started = time.monotonic()
        wait_for(lambda: load.acknowledged(since=timeline.started) >= AFTER_START, 60)
    finally:
        load.done.set()
        for thread in threads:
            thread.join(60)
    return timeline


def wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_database_stops_mid_load_and_comes_back(cluster: PrivateCluster, fault_settings: Settings,
                                                     server_log: Path) -> None:
    with serving(fault_settings, server_log, **SERVER_ENV) as served:
        people, initiatives, matches = prepare(served, fault_settings)
        load = Load(served.url, people, initiatives, matches)
        timeline = run_load(load, cluster, served)
        assert served.process.poll() is None, "the app process died"
        health = httpx.get(f"{served.url}/health", timeout=30)
        answers = list(load.answers)
        stored = asyncio.run(read_back(fault_settings.database_url))
    report(answers, timeline, stored)

    # no 5xx but the 503 of an unavailable database, each a problem document with Retry-After
    statuses = Counter(a.status for a in answers)
    assert not [a for a in answers if a.status is not None and a.status >= 500 and a.status != 503], \
        "\n".join(tracebacks(server_log)[:3])
    unavailable = [a for a in answers if a.status == 503]
    assert unavailable, f"no 503 while the database was down: {statuses}"
    for answer in unavailable:
        assert answer.headers.get("content-type", "").startswith("application/problem+json"), answer
        assert answer.headers.get("retry-after") and answer.body["status"] == 503, answer
    assert None not in statuses, "a request got no HTTP answer at all"
    # /health: 503 and "unavailable" while down, ok once back (same process)
    assert timeline.health_down and all(s == 503 and b["database"] == "unavailable" for s, b in timeline.health_down)
    assert health.status_code == 200 and health.json()["database"] == "ok", health.text
    # the load went on after the restart, answered by the same process
    assert load.acknowledged(since=timeline.started) >= AFTER_START
    # nothing acknowledged lost, every write whole or absent
    assert_nothing_lost(answers, stored)
    assert_whole(stored)


@dataclass
class Stored:
    listings: dict[str, list[dict[str, Any]]]  # resource -> rows (with their log actions and areas)
    pledges: dict[str, dict[str, Any]]  # email -> row
    matches: dict[int, dict[str, Any]]  # id -> status and events
    orphan_actions: int


TABLES = {"initiatives": "initiative", "support-providers": "support_provider",
          "takeover-opportunities": "takeover", "volunteer-offers": "volunteer_offer"}
LISTING_TABLES = {"initiatives": "initiatives", "support-providers": "support_providers",
                  "takeover-opportunities": "takeover_opportunities", "volunteer-offers": "volunteer_offers"}


async def read_back(url: str) -> Stored:
    connection = await asyncpg.connect(plain_dsn(url))
    try:
        listings: dict[str, list[dict[str, Any]]] = {}
        orphans = 0
        for resource, table in LISTING_TABLES.items():
            kind = TABLES[resource]
            rows = await connection.fetch(
                "SELECT l.id, l.status, l.description, "
                "(SELECT array_agg(a.action ORDER BY a.id) FROM moderation_actions a "
                " WHERE a.listing_kind = $1 AND a.listing_id = l.id) AS actions, "
                + ("(SELECT count(*) FROM support_provider_areas p WHERE p.provider_id = l.id)"
                   if table == "support_providers" else "0") + f" AS areas FROM {table} l", kind)
            listings[resource] = [{**row, "reference": row["description"].rsplit(" ", 1)[-1]} for row in rows]
            orphans += await connection.fetchval(
                f"SELECT count(*) FROM moderation_actions a WHERE a.listing_kind = $1 "
                f"AND NOT EXISTS (SELECT 1 FROM {table} l WHERE l.id = a.listing_id)", kind)
        pledges = {r["email"]: dict(r) for r in await connection.fetch(
            "SELECT id, email, amount_cents, status, payment_intent_id FROM pledges")}
        matches = {r["id"]: dict(r) for r in await connection.fetch(
            "SELECT m.id, m.status, (SELECT array_agg(e.to_status ORDER BY e.id) FROM match_events e "
            "WHERE e.match_id = m.id) AS moves FROM matches m")}
        return Stored(listings, pledges, matches, orphans)
    finally:
        await connection.close()


def assert_nothing_lost(answers: list[Answer], stored: Stored) -> None:
    for answer in answers:
        if not answer.acknowledged:
            continue
        if answer.kind.startswith("listing:"):
            rows = [r for r in stored.listings[answer.kind.split(":", 1)[1]] if r["reference"] == answer.reference]
            assert [r["id"] for r in rows] == [answer.body["id"]], f"acknowledged listing lost: {answer}"
        elif answer.kind == "pledge":
            row = stored.pledges.get(answer.reference)
            assert row is not None and row["id"] == answer.body["pledge_id"], f"acknowledged pledge lost: {answer}"
            assert answer.status == 202 or row["payment_intent_id"], f"acknowledged payment intent lost: {row}"
        else:
            _, match_id, status = answer.reference.split()
            moves = stored.matches[int(match_id)]["moves"] or []
            assert status in moves, f"acknowledged move lost: {answer} (stored: {moves})"


def assert_whole(stored: Stored) -> None:
    """Every stored write, acknowledged or not, is complete: a listing with its two log entries (submit,
    auto_publish) and published, a support provider with its area, a pledge pending or with its payment
    intent, a match whose status is the last of its moves, taken one level at a time."""
    for resource, rows in stored.listings.items():
        for row in rows:
            assert row["status"] == "published" and row["actions"] == ["submit", "auto_publish"], (resource, row)
            assert row["areas"] == (1 if resource == "support-providers" else 0), (resource, row)
    assert stored.orphan_actions == 0, "moderation log entries of listings that do not exist"
    for email, row in stored.pledges.items():
        assert row["status"] == "pending" or row["payment_intent_id"], (email, row)
    for match_id, row in stored.matches.items():
        moves = list(row["moves"] or [])
        assert moves == list(MOVES[: len(moves)]), (match_id, row)
        assert row["status"] == (moves[-1] if moves else "suggested"), (match_id, row)


def report(answers: list[Answer], timeline: Timeline, stored: Stored) -> None:
    phases = (("before the stop", timeline.stopping), ("stopping", timeline.stopped), ("down", timeline.starting),
              ("starting (recovery)", timeline.started), ("after the start", float("inf")))
    by_phase: dict[str, Counter[Any]] = {name: Counter() for name, _ in phases}
    for a in answers:
        by_phase[next(name for name, end in phases if a.sent < end)][a.status] += 1
    first_ok = min((a.sent for a in answers if a.acknowledged and a.sent >= timeline.started), default=None)
    acknowledged = [a for a in answers if a.acknowledged]
    kinds = Counter(a.kind.split(":")[0] for a in acknowledged)
    stored_count = sum(len(r) for r in stored.listings.values()) + len(stored.pledges) + sum(
        len(r["moves"] or []) for r in stored.matches.values())
    say(f"faults: {len(answers)} requests by {WORKERS} clients, {len(acknowledged)} acknowledged "
          f"({', '.join(f'{k} {n}' for k, n in kinds.items())}); pg_ctl stop -m immediate took "
          f"{timeline.stopped - timeline.stopping:.1f} s, down {timeline.starting - timeline.stopped:.1f} s, "
          f"pg_ctl start (crash recovery) {timeline.started - timeline.starting:.1f} s")
    for phase, counter in by_phase.items():
        say(f"  {phase}: " + ", ".join(f"{s}: {n}" for s, n in sorted(counter.items(), key=lambda i: str(i[0]))))
    if first_ok is not None:
        say(f"  first acknowledged write {first_ok - timeline.started:.2f} s after the cluster was started")
    say(f"  /health while down: {dict(Counter(s for s, _ in timeline.health_down))}; "
          f"rows and match moves stored: {stored_count}, of which acknowledged {len(acknowledged)}")
