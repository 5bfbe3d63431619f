"""Authentication before validation: every write of the JSON API that needs an account answers an
anonymous caller 401, whatever the body, the path ids or the content type it sent (a body is never
read for someone who may not write). The routes are taken from the app itself, so a new write route
is covered the day it is added; the writes open to anyone are listed here on purpose."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.openapi import honest
from market.config import Settings
from tests.browser import as_browser, csrf, login
from tests.helpers import assert_problem
from tests.people import anonymously, make_person

OPEN_TO_ANYONE = {
    ("POST", "/api/auth/register"), ("POST", "/api/auth/login"), ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/confirm"), ("POST", "/api/auth/confirm/resend"), ("POST", "/api/auth/password/forgot"),
    ("POST", "/api/auth/password/reset"), ("POST", "/api/initiatives/{listing_id:str}/pledges"),
    ("POST", "/api/pledges/{pledge_id:str}/payment"), ("POST", "/api/stripe/webhook"),
    # alerts without an account, and the one-click links of the emails
    ("POST", "/api/saved-searches"), ("POST", "/api/saved-searches/confirm"),
    ("POST", "/api/listings/confirm-fresh"), ("POST", "/api/notifications/unsubscribe"),
}
BODIES: list[dict[str, Any]] = [
    {"content": b"", "headers": {}},
    {"json": {}},
    {"json": []},
    {"json": {"status": 1, "title": None, "nope": True}},
    {"content": b'{"title": ', "headers": {"content-type": "application/json"}},
    {"content": b"title=x", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    {"content": b"\x00\xff", "headers": {"content-type": "application/octet-stream"}},
]
PATH_VALUES = ["1", "abc", "9" * 40]


def writes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        for method in getattr(route, "route_handler_map", {}):
            if method not in ("GET", "HEAD", "OPTIONS") and route.path.startswith("/api/"):
                found.append((method, route.path))
    return sorted(found)


ROUTES = writes(create_app(Settings(database_url="sqlite+aiosqlite:///:memory:")))
GUARDED = [r for r in ROUTES if r not in OPEN_TO_ANYONE]


def test_the_writes_open_to_anyone_are_known() -> None:
    assert set(ROUTES) >= OPEN_TO_ANYONE and len(GUARDED) >= 25


@pytest.mark.parametrize(("method", "path"), GUARDED, ids=[f"{m} {p}" for m, p in GUARDED])
def test_an_anonymous_write_is_401_whatever_it_sends(client: TestClient, method: str, path: str) -> None:
    with anonymously(client):
        for value in PATH_VALUES:
            url = re.sub(r"\{[^}]+\}", value, path)
            for body in BODIES:
                response = client.request(method, url, **body)
                assert response.status_code == 401, (method, url, body, response.text)
                assert_problem(response, 401, None, with_extra=False)


def test_a_signed_in_caller_still_gets_the_validation_errors(client: TestClient, settings: Settings) -> None:
    leader = make_person(settings, "project_leader")
    assert_problem(client.post("/api/initiatives", json=[], headers=leader.headers), 400, None, with_extra=False)
    with as_browser(client):  # the session cookie counts as much as a token
        assert login(client, leader.email or "").status_code == 200
        response = client.post("/api/initiatives", json=[], headers=csrf(client))
        assert_problem(response, 400, None, with_extra=False)


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer bam_" + "0" * 40])
def test_an_unknown_bearer_token_is_401_before_the_body_is_read(client: TestClient, header: str) -> None:
    with anonymously(client):
        for body in BODIES:
            response = client.post("/api/initiatives", headers={"Authorization": header, **body.get("headers", {})},
                                   **{k: v for k, v in body.items() if k != "headers"})
            assert response.status_code == 401, (body, response.text)
            assert_problem(response, 401, "Authorization", with_extra=False)


def reads_needing_an_account(app: Litestar) -> list[str]:
    document = honest(app, app.openapi_schema.to_schema())
    return sorted(path for path, item in document["paths"].items()
                  if "get" in item and "security" in item["get"] and {} not in item["get"]["security"])


ACCOUNT_READS = reads_needing_an_account(create_app(Settings(database_url="sqlite+aiosqlite:///:memory:")))


def test_the_document_lists_no_anonymous_option_for_my_account() -> None:
    assert {"/api/me", "/api/me/export", "/api/me/notifications", "/api/moderation/queue",
            "/api/admin/stats", "/api/matches/{match_id}", "/api/me/saved-searches"} <= set(ACCOUNT_READS)


@pytest.mark.parametrize("path", ACCOUNT_READS)
def test_a_read_documented_as_needing_an_account_is_401_anonymously(client: TestClient, path: str) -> None:
    with anonymously(client):
        for value in PATH_VALUES:
            response = client.get(re.sub(r"\{[^}]+\}", value, path))
            assert response.status_code == 401, (path, value, response.text)
            assert_problem(response, 401, None, with_extra=False)
