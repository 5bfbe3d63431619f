"""The real app served by uvicorn in a process of its own on a free loopback port, and people signed
in to it over HTTP (a session cookie and its CSRF token), as the reliability runs use them."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from market.config import ROOT, Settings
from tests.mailbox import free_port
from tests.people import PASSWORD, Person
from tests.stripe_fixtures import live_env, stop, wait_for_port

CSRF_COOKIE, SESSION_COOKIE = "csrftoken", "bourse_session"
# The served app of these runs: login limits far above what they send (the limits have their own tests,
# test_auth and test_login_throttle), every eligible match listed (no relevance floor: no model here).
SERVER_ENV = {"AUTH_RATE_PER_MINUTE": "1000000", "LOGIN_FAILURES_PER_ADDRESS": "1000000",
              "LOGIN_FAILURES_PER_ACCOUNT": "1000000", "MATCH_FLOOR": "0"}
TRACEBACK = re.compile(r"^Traceback \(most recent call last\):", re.MULTILINE)


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def serving(settings: Settings, log: Path, **env: str) -> Iterator[Served]:
    """uvicorn serving create_app() with these settings (plus `env`); its output goes to `log`."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env={**live_env(settings), **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, seconds=120)
        yield Served(f"http://127.0.0.1:{port}", process)
    finally:
        stop(process)


@contextmanager
def serve(settings: Settings, log: Path, **env: str) -> Iterator[str]:
    """The same, giving only its base URL."""
    with serving(settings, log, **env) as served:
        yield served.url


def tracebacks(log: Path) -> list[str]:
    """The tracebacks a server wrote (an unexpected error is logged with one before its 500)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    starts = [m.start() for m in TRACEBACK.finditer(text)]
    ends = [*starts[1:], len(text)]
    return [text[a:b].strip()[-3000:] for a, b in zip(starts, ends[: len(starts)], strict=True)]


@dataclass
class SignedIn:
    """A person signed in through POST /api/auth/login: the cookies and the CSRF header a browser sends."""

    role: str
    account_id: int
    cookies: dict[str, str]
    headers: dict[str, str]


def sign_in(base_url: str, person: Person) -> SignedIn:
    """This person signed in over HTTP like the web client (the CSRF cookie, then the login)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = _cookie(client.get("/api/auth/csrf"), CSRF_COOKIE)
        response = client.post("/api/auth/login", json={"email": person.email, "password": PASSWORD},
                               headers={"X-CSRFToken": token}, cookies={CSRF_COOKIE: token})
        assert response.status_code == 200, response.text
        session = _cookie(response, SESSION_COOKIE)
    assert person.account_id is not None
    cookies = {CSRF_COOKIE: token, SESSION_COOKIE: session}
    return SignedIn(person.role, person.account_id, cookies, {"X-CSRFToken": token})


def _cookie(response: httpx.Response, name: str) -> str:
    # the cookies are Secure outside development: read from Set-Cookie, not from the jar of an http:// client
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


