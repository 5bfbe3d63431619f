"""Bad input at scale: schemathesis's negative (and positive) cases of every write of the listing,
pledge and account endpoints (there is no import endpoint), anonymously and with a project leader's
bearer token, each answer checked against a checksum of every table taken before and after it: a
rejected request (4xx) changes nothing. The reference tables (34,920 communes) are checksummed once
before and once after the whole run."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import schemathesis
from schemathesis.schemas import APIOperation

from market.config import Settings
from tests.reliability.conftest import plain_dsn
from tests.reliability.generated import Cases, explore, modes, operations
from tests.reliability.live import SERVER_ENV, serve
from tests.reliability.report import say
from tests.reliability.world import World, make_world

EXAMPLES = 4
REFERENCE = ("regions", "departments", "epcis", "communes")
# Written by design on a refused request: the failed-login counters (their point: a wrong password
# counts, test_login_throttle) and the rate-limit windows of /api/auth/* (every POST counts).
COUNTING = {"login_counters": "failed logins are counted (the throttle)", "store_items": "the auth rate-limit windows"}
WRITES = re.compile(r"(POST|PUT|PATCH|DELETE) /(api/(initiatives|support-providers|takeover-opportunities|"
                    r"volunteer-offers|pledges|auth|me|organisations|admin)|pledges)(/.*)?")


def is_write(operation: APIOperation) -> bool:
    return WRITES.fullmatch(f"{operation.method.upper()} {operation.path}") is not None \
        and operation.path != "/api/stripe/webhook"


class Checksums:
    """md5 of every table's rows (in a stable order), on one connection of its own."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.connection: asyncpg.Connection = self.loop.run_until_complete(asyncpg.connect(plain_dsn(url)))
        tables = self.loop.run_until_complete(self.connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
        self.tables = [r["tablename"] for r in tables if r["tablename"] not in REFERENCE]

    def of(self, tables: list[str] | tuple[str, ...]) -> dict[str, str]:
        query = " UNION ALL ".join(
            f"SELECT '{t}' AS name, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS sum "
            f"FROM \"{t}\" x" for t in tables)
        rows = self.loop.run_until_complete(self.connection.fetch(query))
        return {r["name"]: r["sum"] for r in rows}

    def now(self) -> dict[str, str]:
        return self.of(self.tables)

    def close(self) -> None:
        self.loop.run_until_complete(self.connection.close())
        self.loop.close()


@pytest.fixture(scope="module")
def base_url(live_settings: Settings, server_log: Path) -> Iterator[str]:
    with serve(live_settings, server_log, **SERVER_ENV) as url:
        yield url


def test_no_rejected_request_changes_anything(base_url: str, live_settings: Settings) -> None:
    world: World = make_world(base_url, live_settings, copies=1)
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    found = operations(schema, is_write)
    sums = Checksums(live_settings.database_url)
    reference_before = sums.of(REFERENCE)
    statuses: Counter[int] = Counter()
    changed: list[str] = []
    counted: Counter[str] = Counter()
    state = {"before": sums.now()}
    cases = Cases()
    started = time.perf_counter()
    try:
        for name, headers in (("anonymous", {}), ("project_leader", world.people["project_leader"].headers)):

            def send(case: Any, headers: dict[str, str] = headers, name: str = name) -> None:
                response = case.call(base_url=base_url, headers=headers, timeout=30)
                statuses[response.status_code] += 1
                if 200 <= response.status_code < 300:
                    time.sleep(0.1)  # emails and other work after the response (its commit came first)
                after = sums.now()
                if 400 <= response.status_code < 500:
                    moved = [t for t in after if after[t] != state["before"].get(t)]
                    counted.update(t for t in moved if t in COUNTING)
                    if [t for t in moved if t not in COUNTING]:
                        changed.append(f"{name}: {case.method.upper()} {case.path} -> {response.status_code} "
                                       f"changed {moved}: {case.as_curl_command()}")
                state["before"] = after

            for operation in found:
                for mode in modes():
                    explore(cases, operation, mode, EXAMPLES, world.path_ids(operation.path), send)
        reference_after = sums.of(REFERENCE)
    finally:
        sums.close()
    seconds = time.perf_counter() - started
    total = sum(statuses.values())
    rejected = sum(n for s, n in statuses.items() if 400 <= s < 500)
    say(f"bad input: {total} generated writes on {len(found)} operations (listings, pledges, accounts) in "
          f"{seconds:.0f} s, {rejected} rejected (4xx); statuses: "
          + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    say(f"tables checksummed after each request: {len(sums.tables)} (+ {len(REFERENCE)} reference tables before "
          f"and after the run); rejected requests that changed a table: {len(changed)}; counters moved by design: "
          + (", ".join(f"{t} {n} times ({COUNTING[t]})" for t, n in counted.items()) or "none"))
    assert not [s for s in statuses if s >= 500], statuses
    assert reference_after == reference_before
    assert not changed, "\n".join(changed[:20])
    assert rejected >= 300, statuses
