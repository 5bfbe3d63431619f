"""Live activity over real HTTP: GET /api/events from the app served by uvicorn on a free port, read by
httpx streaming clients (docs/notifications.md, « Live activity »).

Public events reach every stream, private ones only the members of the listings concerned; on
PostgreSQL an event published through one app instance reaches the clients of another. An event is
told only once its transaction commits. A stream resumes after Last-Event-ID, sends a heartbeat
comment when idle, and ends when the server is stopped.
"""

from __future__ import annotations

import asyncio
import json
import queue
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings
from market.db import create_engine, session_scope
from market.live import events
from market.live.hub import Hub
from market.models import Initiative, Pledge
from market.pledges import states
from tests.conftest import _wipe, suite_settings
from tests.factories import initiative, support_provider, volunteer_offer
from tests.helpers import assert_problem, run
from tests.mailbox import free_port
from tests.people import Person, anonymously, make_person
from tests.reliability.live import serving

PUBLIC_FIELDS = {"id", "kind", "at", "listing_kind", "listing_id", "title", "department", "amount_cents",
                 "match_id", "initiative", "candidate"}
WAIT = 15.0


class Reader:
    """One SSE stream read on a thread of its own: events (id, event, data) and comments as they come."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None, path: str = "/api/events") -> None:
        self.path = path
        self.items: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self.status: int | None = None
        self.ended = threading.Event()
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(base_url, headers or {}), daemon=True)
        self._client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(30, read=60))
        self._thread.start()
        assert self._opened.wait(WAIT), "the stream did not open"
        assert self.status == 200
        self.next(lambda item: item.get("comment") == "activité de la bourse")  # subscribed from now on

    def _read(self, base_url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", self.path, headers=headers) as response:
                self.status = response.status_code
                self.content_type = response.headers.get("content-type", "")
                self._opened.set()
                current: dict[str, Any] = {}
                for line in response.iter_lines():
                    self.raw.append(line)
                    if not line:
                        if current:
                            self.items.put(current)
                        current = {}
                    elif line.startswith(":"):
                        current["comment"] = line[1:].strip()
                    else:
                        name, _, value = line.partition(":")
                        current[name] = value[1:] if value.startswith(" ") else value
        except httpx.HTTPError:
            pass
        finally:
            self._opened.set()
            self.ended.set()

    def next(self, wanted: Callable[[dict[str, Any]], bool], seconds: float = WAIT) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                item = self.items.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if "data" in item and "event" in item:
                item = {**item, "data": json.loads(item["data"])}
            self.seen.append(item)
            if wanted(item):
                return item
        raise AssertionError(f"not received in {seconds} s; received: {self.seen}")

    def event(self, kind: str, **data: Any) -> dict[str, Any]:
        return self.next(lambda item: item.get("event") == kind
                         and all(item["data"].get(k) == v for k, v in data.items()))

    def kinds(self) -> list[str]:
        return [item["event"] for item in self.seen if "event" in item]

    def close(self) -> None:
        self._client.close()
        self._thread.join(5)


@contextmanager
def streams(base_url: str, *headers: dict[str, str]) -> Iterator[list[Reader]]:
    readers = [Reader(base_url, h) for h in headers]
    try:
        yield readers
    finally:
        for reader in readers:
            reader.close()


def post(base_url: str, person: Person, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.post(base_url + path, json=body, headers=person.headers, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture()
def live_settings(database_url: str) -> Iterator[Settings]:
    yield suite_settings(database_url, auto_publish=True, embedding_model="")
    run(_wipe(database_url))


@pytest.fixture()
def server(live_settings: Settings, tmp_path: Path) -> Iterator[str]:
    with serving(live_settings, tmp_path / "server.log", MATCH_FLOOR="0") as served:
        yield served.url


def test_public_events_reach_everyone_and_private_ones_only_their_parties(live_settings: Settings,
                                                                          server: str) -> None:
    leader = make_person(live_settings, "project_leader")
    partner = make_person(live_settings, "support_member")
    stranger = make_person(live_settings, "business_member")
    with streams(server, {}, leader.headers, partner.headers, stranger.headers) as (anyone, mine, theirs, other):
        assert anyone.content_type.startswith("text/event-stream")
        ini = post(server, leader, "/api/initiatives", initiative(title="Cantine des Forges"))
        for reader in (anyone, mine, theirs, other):  # the public event, with no personal data
            got = reader.event("listing_published", listing_id=ini["id"])
            assert got["data"] == {"id": int(got["id"]), "kind": "listing_published", "at": got["data"]["at"],
                                   "listing_kind": "initiative", "listing_id": ini["id"],
                                   "title": "Cantine des Forges", "department": "90"}
        moderated = mine.event("listing_moderated", listing_id=ini["id"])  # the owner's own
        assert moderated["data"]["to_status"] == "published" and moderated["data"]["action"] == "auto_publish"

        provider = post(server, partner, "/api/support-providers", support_provider())
        move = httpx.post(server + "/api/matches", headers=partner.headers, timeout=30, json={
            "initiative_id": ini["id"], "candidate_kind": "support_provider", "candidate_id": provider["id"],
            "status": "contacted"})
        assert move.status_code == 201, move.text
        match_id = move.json()["id"]
        for reader in (mine, theirs):  # both parties see the move
            got = reader.event("match_moved", match_id=match_id)
            assert got["data"]["to_status"] == "contacted" and got["data"]["initiative"]["listing_id"] == ini["id"]
        for person, status in ((leader, "in_discussion"), (partner, "partnership")):
            moved = httpx.patch(f"{server}/api/matches/{match_id}", json={"status": status}, headers=person.headers,
                                timeout=30)
            assert moved.status_code == 200, moved.text
        for reader in (anyone, other):  # a partnership between published listings is public
            got = reader.event("partnership", match_id=match_id)
            assert got["data"]["initiative"]["title"] == "Cantine des Forges"
            assert got["data"]["candidate"] == {"listing_kind": "support_provider", "listing_id": provider["id"],
                                                "title": provider["name"]}

        # a later public event: whoever got it after the private ones would have had them before
        sentinel = post(server, stranger, "/api/volunteer-offers", volunteer_offer())
        for reader in (anyone, other):
            reader.event("listing_published", listing_id=sentinel["id"])
            assert "listing_moderated" not in reader.kinds() and "match_moved" not in reader.kinds()
        for reader in (anyone, mine, theirs, other):
            for item in reader.seen:
                if item.get("event") in events.PUBLIC_KINDS:
                    assert set(item["data"]) <= PUBLIC_FIELDS
            text = "\n".join(reader.raw)
            assert "camille@example.org" not in text and "Camille Test" not in text
            assert (leader.email or "@") not in text and (partner.email or "@") not in text


def test_a_stream_resumes_after_last_event_id(live_settings: Settings, server: str) -> None:
    leader = make_person(live_settings, "project_leader")
    stranger = make_person(live_settings, "business_member")
    with streams(server, {}) as (anyone,):
        first = post(server, leader, "/api/initiatives", initiative(title="Premier"))
        seen = anyone.event("listing_published", listing_id=first["id"])
    later = post(server, leader, "/api/initiatives", initiative(title="Second"))  # while nobody listened
    with streams(server, {"Last-Event-ID": seen["id"]}, {**stranger.headers, "Last-Event-ID": seen["id"]},
                 {**leader.headers, "Last-Event-ID": seen["id"]}) as (anyone, other, mine):
        for reader in (anyone, other, mine):
            reader.event("listing_published", listing_id=later["id"])
        mine.event("listing_moderated", listing_id=later["id"])
        assert all(int(item["id"]) > int(seen["id"]) for item in anyone.seen if "id" in item)
        assert "listing_moderated" not in anyone.kinds() + other.kinds()
    first_load = Reader(server, {}, path=f"/api/events?after={seen['id']}")  # the home page's script
    try:
        first_load.event("listing_published", listing_id=later["id"])
    finally:
        first_load.close()
    refused = httpx.get(server + "/api/events", headers={"Last-Event-ID": "douze"}, timeout=10)
    assert_problem(refused, 400, "Last-Event-ID")
    assert_problem(httpx.get(server + "/api/events?after=-1", timeout=10), 400, "after")


def test_the_home_page_lists_the_latest_events_without_javascript(client: TestClient, settings: Settings) -> None:
    leader = make_person(settings, "project_leader")
    made = client.post("/api/initiatives", json=initiative(title="Ressourcerie du Lion"), headers=leader.headers)
    assert made.status_code == 201, made.text
    with anonymously(client):
        page = client.get("/").text
    assert "Nouvelle initiative : « Ressourcerie du Lion » (90)" in page
    assert f'href="/initiatives/{made.json()["id"]}"' in page
    assert 'aria-live="polite"' in page and '<script src="/static/js/feed.js"></script>' in page
    assert "<script>" not in page and "Votre annonce" not in page  # no inline script; nobody's own events
    own = client.get("/", headers=leader.headers).text
    assert "Votre annonce « Ressourcerie du Lion » est publiée" in own
    assert client.get("/static/js/feed.js").headers["content-type"].startswith(("application/javascript",
                                                                                "text/javascript"))


def test_two_app_instances_on_postgresql_share_their_events(live_settings: Settings, tmp_path: Path,
                                                            dialect: str) -> None:
    if dialect != "postgresql":
        pytest.skip("several app instances meet through PostgreSQL LISTEN/NOTIFY")
    leader = make_person(live_settings, "project_leader")
    with (serving(live_settings, tmp_path / "a.log") as a, serving(live_settings, tmp_path / "b.log") as b,
          streams(a.url, {}) as (on_a,), streams(b.url, {}, leader.headers) as (on_b, mine_on_b)):
        ini = post(a.url, leader, "/api/initiatives", initiative(title="Tiers-lieu partagé"))
        for reader in (on_a, on_b, mine_on_b):
            reader.event("listing_published", listing_id=ini["id"], title="Tiers-lieu partagé")
        mine_on_b.event("listing_moderated", listing_id=ini["id"])
        assert "listing_moderated" not in on_b.kinds()


def test_a_rolled_back_change_is_never_told(live_settings: Settings) -> None:
    leader = make_person(live_settings, "project_leader")
    with TestClient(create_app(live_settings)) as client:
        made = client.post("/api/initiatives", json=initiative(), headers=leader.headers)
        assert made.status_code == 201, made.text
        listing_id = made.json()["id"]

    async def scenario() -> list[dict[str, Any]]:
        hub = Hub(live_settings.database_url, str(_engine_url(live_settings)))
        await hub.start()
        heard = hub.subscribe()
        try:
            item = listing_id
            with pytest.raises(RuntimeError):
                async with session_scope(live_settings) as session:
                    events.listing_moderated(session, "initiative", await session.get(Initiative, item), action="x",
                                             from_status="published", reason=None)
                    await session.flush()
                    raise RuntimeError("the change fails: rolled back")
            async with session_scope(live_settings) as session:
                listing = await session.get(Initiative, item)
                async with session.begin_nested() as savepoint:  # told inside a savepoint rolled back
                    events.listing_moderated(session, "initiative", listing, action="y",
                                             from_status="published", reason=None)
                    await session.flush()
                    await savepoint.rollback()
                events.listing_moderated(session, "initiative", listing, action="kept",
                                         from_status="published", reason=None)
            got = [await asyncio.wait_for(heard.get(), WAIT)]
            await asyncio.sleep(0.5)
            while not heard.empty():
                got.append(heard.get_nowait())
            return got
        finally:
            await hub.stop()

    got = run(scenario())
    assert [(item["kind"], item["data"]["action"]) for item in got] == [("listing_moderated", "kept")]


def test_a_settled_pledge_is_public_with_its_amount_only_when_not_anonymous(live_settings: Settings) -> None:
    leader = make_person(live_settings, "project_leader")
    with TestClient(create_app(live_settings)) as client:
        made = client.post("/api/initiatives", json=initiative(title="Monnaie locale"), headers=leader.headers)
        assert made.status_code == 201, made.text

    async def scenario() -> list[dict[str, Any]]:
        hub = Hub(live_settings.database_url, _engine_url(live_settings))
        await hub.start()
        heard = hub.subscribe()
        try:
            for anonymous in (False, True):
                async with session_scope(live_settings) as session:
                    pledge = Pledge(initiative_id=made.json()["id"], amount_cents=2500, email="don@example.org",
                                    display_name="Dominique Donateur", anonymous=anonymous,
                                    stripe_reference=secrets.token_hex(8), receipt_token=secrets.token_hex(16))
                    session.add(pledge)
                    await session.flush()
                    assert await states.mark_succeeded(session, pledge.id, "ch_1")
                    assert not await states.mark_succeeded(session, pledge.id, "ch_1")  # told once
            return [events.public(await asyncio.wait_for(heard.get(), WAIT)) for _ in range(2)]
        finally:
            await hub.stop()

    paid, anonymous = run(scenario())
    assert {k: v for k, v in paid.items() if k not in ("id", "at")} == {
        "kind": "pledge_settled", "listing_kind": "initiative", "listing_id": made.json()["id"],
        "title": "Monnaie locale", "amount_cents": 2500}
    assert anonymous["kind"] == "pledge_settled" and anonymous["amount_cents"] is None
    assert "Dominique" not in json.dumps([paid, anonymous]) and "don@" not in json.dumps([paid, anonymous])


def test_heartbeat_comments_while_idle(live_settings: Settings) -> None:
    app = create_app(live_settings)
    app.state.live_heartbeat = 0.3
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_until(lambda: server.started)
        with streams(f"http://127.0.0.1:{port}", {}) as (reader,):
            reader.next(lambda item: item.get("comment") == "ping", seconds=5)
            reader.next(lambda item: item.get("comment") == "ping", seconds=5)
            assert "retry: 3000" in reader.raw
    finally:
        app.state.live.close()  # not the main thread: no signal handler here, end the streams ourselves
        server.should_exit = True
        thread.join(15)
    assert not thread.is_alive()


def test_stopping_the_server_ends_the_streams(live_settings: Settings, tmp_path: Path) -> None:
    with serving(live_settings, tmp_path / "server.log") as served, streams(served.url, {}) as (reader,):
        started = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        assert reader.ended.wait(10), "the stream did not end"
        served.process.wait(15)
        assert time.monotonic() - started < 10


def _engine_url(settings: Settings) -> str:
    return str(create_engine(settings).url)


def _wait_until(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_the_openapi_document_declares_the_stream(client: TestClient) -> None:
    operation = client.get("/schema/openapi.json").json()["paths"]["/api/events"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"text/event-stream"}
    parameters = {(p["name"], p["in"]) for p in operation["parameters"]}
    assert {("Last-Event-ID", "header"), ("after", "query")} <= parameters
    assert operation["responses"]["400"]["content"] == {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}
