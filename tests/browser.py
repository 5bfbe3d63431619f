"""A client that behaves like the web client: no bearer token, cookies kept, over https (the session
and CSRF cookies are Secure outside development), with the CSRF token read from its cookie."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import TestClient

from tests.people import PASSWORD

BASE = "https://testserver.local"
SESSION = "bourse_session"


@contextmanager
def browser(app: Litestar) -> Iterator[TestClient]:
    """A new app's client. Never a second client of an app that already has one open: each client
    runs the app in an event loop of its own, and asyncpg connections belong to one loop."""
    with TestClient(app, base_url=BASE) as client:
        yield client


@contextmanager
def as_browser(client: TestClient) -> Iterator[TestClient]:
    """The same client, for the block, as a browser: https, no bearer token, a cookie jar of its own."""
    base, token, jar = client.base_url, client.headers.pop("Authorization", None), httpx.Cookies(client.cookies)
    client.base_url, client.cookies = httpx.URL(BASE), httpx.Cookies()
    try:
        yield client
    finally:
        client.base_url, client.cookies = base, jar
        if token is not None:
            client.headers["Authorization"] = token


@contextmanager
def without_cookies(client: TestClient) -> Iterator[TestClient]:
    """The same client with an empty cookie jar for the block (another browser, as it were)."""
    jar = httpx.Cookies(client.cookies)
    client.cookies.clear()
    try:
        yield client
    finally:
        client.cookies = jar


def csrf(client: TestClient) -> dict[str, str]:
    """The CSRF header, after a safe request gave the cookie."""
    if "csrftoken" not in client.cookies:
        assert client.get("/api/auth/csrf").status_code == 200
    return {"X-CSRFToken": client.cookies["csrftoken"]}


def register(client: TestClient, email: str, password: str = PASSWORD, **extra: Any) -> httpx.Response:
    return client.post("/api/auth/register", json={"email": email, "password": password, **extra},
                       headers=csrf(client))


def login(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/api/auth/login", json={"email": email, "password": password}, headers=csrf(client))


def session_cookie_header(response: httpx.Response) -> str:
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{SESSION}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]
