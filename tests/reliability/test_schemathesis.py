"""Schemathesis against the app's own OpenAPI document (GET /schema/openapi.json of the served app),
over HTTP on PostgreSQL, anonymously and signed in (a session cookie and its CSRF header) as a project
leader and as an admin: positive and negative cases of every operation, half of them on ids that exist.

Targets: at least 1,000 generated requests, no 5xx, no answer that breaks the document except the
known mismatches (known_mismatches.py, each with its reason). Counts are printed."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

from market.config import Settings
from tests.people import make_person
from tests.reliability.generated import Cases, explore, modes, operations
from tests.reliability.known_mismatches import KNOWN, Known
from tests.reliability.live import SERVER_ENV, SignedIn, serve, sign_in, tracebacks
from tests.reliability.report import say
from tests.reliability.world import World, make_world

EXAMPLES = 4  # per operation, generation mode and identity
MINIMUM = 1000
CHECKS = [schemathesis.checks.not_a_server_error, openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance, openapi_checks.response_headers_conformance,
          openapi_checks.response_schema_conformance]
SESSION_ENDING = ("DELETE /api/me", "POST /api/auth/logout", "PUT /api/me/password", "DELETE /api/me/sessions/")


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)  # identity -> count
    statuses: Counter[int] = field(default_factory=Counter)
    excused: Counter[Known] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)
    renewed: int = 0
    seconds: float = 0.0
    waiting: float = 0.0  # of which waiting for the answers

    def record(self, identity: str, case: Any, response: requests.Response) -> None:
        operation = f"{case.method.upper()} {case.path}"
        self.requests[identity] += 1
        self.statuses[response.status_code] += 1
        self.operations.add(operation)
        if response.status_code >= 500:
            self.server_errors.append(f"{identity}: {case.as_curl_command()} -> {response.status_code} "
                                      f"{response.text[:300]}")
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                kind = type(failure).__name__
                known = next((k for k in KNOWN if k.excuses(kind, response.status_code, operation)), None)
                if known is not None and kind != "ServerError":
                    self.excused[known] += 1
                else:
                    self.failures.append(f"{identity}: {operation} -> {response.status_code}: {kind}: "
                                         f"{failure.title}\n    {case.as_curl_command()}\n    {response.text[:300]}")


@pytest.fixture(scope="module")
def base_url(live_settings: Settings, server_log: Path) -> Iterator[str]:
    with serve(live_settings, server_log, **SERVER_ENV) as url:
        yield url


@pytest.fixture(scope="module")
def world(base_url: str, live_settings: Settings) -> World:
    return make_world(base_url, live_settings)


class Identity:
    """Anonymous (no cookie) or a person signed in with a session cookie, signed in again when a
    generated request ended the session (logout, erasure, password change)."""

    def __init__(self, name: str, base_url: str, settings: Settings, world: World) -> None:
        self.name, self.base_url, self.settings, self.world = name, base_url, settings, world
        self.session: SignedIn | None = None if name == "anonymous" else sign_in(base_url, world.people[name])

    @property
    def headers(self) -> dict[str, str]:
        return self.session.headers if self.session else {}

    @property
    def cookies(self) -> dict[str, str]:
        return self.session.cookies if self.session else {}

    def keep_alive(self, operation: str, status: int) -> bool:
        if self.session is None or not (status == 401 or operation.startswith(SESSION_ENDING)):
            return False
        alive = httpx.get(f"{self.base_url}/api/me", cookies=self.cookies, timeout=30).status_code == 200
        if not alive:
            person = self.world.people[self.name]
            if httpx.get(f"{self.base_url}/api/me", headers=person.headers, timeout=30).status_code != 200:
                # erased or its tokens revoked: a new account, in the same organisation
                person = make_person(self.settings, self.name, organisations=dict(person.organisations) or None)
                self.world.people[self.name] = person
            self.session = sign_in(self.base_url, person)
        return not alive


def test_generated_requests_against_the_openapi_document(base_url: str, world: World, live_settings: Settings,
                                                         server_log: Path) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    found = operations(schema)
    tally, cases = Tally(), Cases()
    started = time.perf_counter()
    for name in ("anonymous", "project_leader", "admin"):
        identity = Identity(name, base_url, live_settings, world)

        def send(case: Any, identity: Identity = identity) -> None:
            sent = time.perf_counter()
            response = case.call(base_url=base_url, headers=identity.headers, cookies=identity.cookies, timeout=30)
            tally.waiting += time.perf_counter() - sent
            tally.record(identity.name, case, response)
            tally.renewed += identity.keep_alive(f"{case.method.upper()} {case.path}", response.status_code)

        for operation in found:
            for mode in modes():
                explore(cases, operation, mode, EXAMPLES, world.path_ids(operation.path), send)
    tally.seconds = time.perf_counter() - started
    report(tally, len(found))
    assert not tally.server_errors and not tally.failures, "\n".join(
        [f"{len(tally.server_errors)} answers 5xx:", *tally.server_errors[:10], *tracebacks(server_log)[:3],
         f"{len(tally.failures)} answers break the document:", *tally.failures[:30]])
    assert sum(tally.requests.values()) >= MINIMUM


def report(tally: Tally, operation_count: int) -> None:
    total = sum(tally.requests.values())
    say(f"schemathesis: {total} generated requests ({', '.join(f'{k} {v}' for k, v in tally.requests.items())}) "
          f"on {len(tally.operations)} of {operation_count} operations in {tally.seconds:.0f} s "
          f"({total / max(tally.seconds, 1e-9):.1f} requests/s, {tally.waiting:.0f} s waiting for answers); "
        f"sessions renewed {tally.renewed} times")
    say("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())))
    five = sum(n for s, n in tally.statuses.items() if s >= 500)
    say(f"5xx: {five}; answers breaking the document (not known): {len(tally.failures)}")
    for known in KNOWN:
        say(f"known mismatch, excused {tally.excused[known]} times: {known.failure} {sorted(known.statuses)} "
              f"{known.operation}" + ("  (unused: delete it)" if not tally.excused[known] else ""))
