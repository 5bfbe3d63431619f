"""Safety properties: CSRF on unsafe requests authenticated by the session cookie (not for bearer
tokens, anonymous pledges or the Stripe webhook); the session cookie's flags; security headers on
every response; default secrets refused outside development (the app does not start); the first
admin from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from market.config import ROOT, Settings, SettingsError
from tests.browser import SESSION, browser, csrf, login, session_cookie_header
from tests.conftest import _wipe, suite_settings
from tests.helpers import run, sql
from tests.people import PASSWORD, make_person

ORGANISATION = {"name": "Tiers-lieu des Forges", "kind": "initiative_group", "role": "project_leader"}


@pytest.fixture()
def safe_settings(database_url: str) -> Settings:
    return suite_settings(database_url, embedding_model="")


@pytest.fixture()
def web(safe_settings: Settings) -> Iterator[TestClient]:
    with browser(create_app(safe_settings)) as client:
        yield client
    run(_wipe(safe_settings.database_url))


def organisations(settings: Settings) -> int:
    return sql(settings.database_url, "SELECT count(*) FROM organisations")[0][0]


def test_csrf_guards_requests_made_with_the_session_cookie(web: TestClient, safe_settings: Settings) -> None:
    person = make_person(safe_settings, "funder")
    assert login(web, person.email).status_code == 200
    before = organisations(safe_settings)
    missing = web.post("/api/organisations", json=ORGANISATION)
    assert missing.status_code == 403 and "CSRF" in missing.json()["detail"]
    forged = web.post("/api/organisations", json=ORGANISATION, headers={"X-CSRFToken": "0" * 128})
    assert forged.status_code == 403
    assert organisations(safe_settings) == before
    assert web.post("/api/organisations", json=ORGANISATION, headers=csrf(web)).status_code == 201
    for method, path in (("PATCH", "/api/initiatives/1"), ("DELETE", "/api/me"), ("POST", "/api/me/tokens"),
                         ("PUT", "/api/admin/accounts/1/platform-role"), ("POST", "/api/auth/logout")):
        assert web.request(method, path, json={}).status_code == 403, (method, path)
    assert web.get("/api/me").status_code == 200  # safe methods need no token


def test_bearer_requests_need_no_csrf_token(web: TestClient, safe_settings: Settings) -> None:
    person = make_person(safe_settings, "project_leader")
    made = web.post("/api/organisations", json=ORGANISATION, headers=person.headers)
    assert made.status_code == 201, made.text


def test_login_and_register_need_the_token_even_without_a_session(web: TestClient,
                                                                  safe_settings: Settings) -> None:
    person = make_person(safe_settings, "funder")
    bare = web.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
    assert bare.status_code == 403  # login CSRF: a forged form would sign the victim in as the attacker
    assert web.post("/api/auth/register", json={"email": "x@example.org", "password": PASSWORD}).status_code == 403
    assert login(web, person.email).status_code == 200


def test_anonymous_unsafe_requests_without_a_session_need_no_token(web: TestClient) -> None:
    # nothing ambient to abuse: an anonymous write is refused for what it is (401), a pledge is open
    assert web.post("/api/organisations", json=ORGANISATION).status_code == 401
    assert web.post("/api/initiatives/1/pledges", json={"amount_cents": 1}).status_code == 400
    assert web.post("/api/stripe/webhook", content=b"{}", headers={"Stripe-Signature": "t=1,v1=0"}).status_code == 400


def test_session_cookie_flags(web: TestClient, database_url: str, safe_settings: Settings) -> None:
    person = make_person(safe_settings, "funder")
    cookie = session_cookie_header(login(web, person.email)).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "; secure" in cookie and "path=/" in cookie
    development = Settings(environment="development", database_url=database_url, embedding_model="")
    with TestClient(create_app(development)) as local:  # plain http on a developer's machine
        local.get("/api/auth/csrf")
        response = local.post("/api/auth/login", json={"email": person.email, "password": PASSWORD},
                              headers={"X-CSRFToken": local.cookies["csrftoken"]})
        assert response.status_code == 200, response.text
        cookie = session_cookie_header(response).lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


def test_security_headers_on_every_response(web: TestClient, safe_settings: Settings) -> None:
    person = make_person(safe_settings, "funder")
    responses = {
        "health": web.get("/health"),
        "json": web.get("/api/vocabulary"),
        "unknown path": web.get("/nowhere"),
        "wrong method": web.put("/api/vocabulary"),
        "bad input": web.get("/api/initiatives", params={"page_size": 1000}),
        "unauthenticated": web.get("/api/me"),
        "csrf refused": web.post("/api/organisations", json={}, headers={"Cookie": f"{SESSION}=x"}),
        "receipt page": web.get("/pledges/1/receipt", params={"token": "x" * 32}),
        "docs": web.get("/schema"),
        "bearer": web.get("/api/me", headers=person.headers),
        "static": web.get("/static/nothing.js"),
    }
    for name, response in responses.items():
        csp = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, name
        assert response.headers.get("x-content-type-options") == "nosniff", name
        assert response.headers.get("referrer-policy") == "no-referrer", name
    assert "unsafe-inline" not in responses["json"].headers["content-security-policy"]


def test_default_secrets_are_refused_outside_development(database_url: str) -> None:
    for environment in ("test", "production"):
        with pytest.raises(SettingsError, match="SECRET_KEY"):
            Settings(environment=environment)
        with pytest.raises(SettingsError, match="SECRET_KEY"):
            Settings(environment=environment, secret_key="short")
    assert Settings(environment="development").secret_key  # the development default is fine there
    with pytest.raises(SettingsError, match="ARGON2_PROFILE"):
        Settings(argon2_profile="cheapest")  # the test suite's fast hashing, nowhere else
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY",)}
    env.update({"BOURSE_ENV": "production", "DATABASE_URL": database_url})
    started = subprocess.run([sys.executable, "-c", "from api.app import create_app; create_app()"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode != 0 and "SECRET_KEY" in started.stderr


def test_create_admin_from_the_command_line(database_url: str, safe_settings: Settings) -> None:
    env = {**os.environ, "BOURSE_ENV": "test", "DATABASE_URL": database_url, "SECRET_KEY": safe_settings.secret_key,
           "ARGON2_PROFILE": "cheapest", "BOURSE_ADMIN_PASSWORD": "premier admin, long et sûr"}
    command = [sys.executable, "-m", "market.cli", "create-admin", "Admin@Example.org"]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "administrateur" in done.stdout and "premier admin" not in done.stdout + done.stderr
        rows = sql(database_url, "SELECT email, platform_role, password_hash FROM accounts")
        assert [(r[0], r[1]) for r in rows] == [("admin@example.org", "admin")] and rows[0][2].startswith("$argon2")
        weak = subprocess.run([*command[:-1], "other@example.org"], cwd=ROOT, capture_output=True, text=True,
                              env={**env, "BOURSE_ADMIN_PASSWORD": "court"}, timeout=120)
        assert weak.returncode == 2 and "password" in weak.stderr
        no_env = {k: v for k, v in env.items() if k != "BOURSE_ADMIN_PASSWORD"}
        blind = subprocess.run([*command[:-1], "third@example.org"], cwd=ROOT, capture_output=True, text=True,
                               env=no_env, stdin=subprocess.DEVNULL, timeout=120)  # no terminal: say how
        assert blind.returncode == 2 and "BOURSE_ADMIN_PASSWORD" in blind.stderr
        with browser(create_app(safe_settings)) as web:
            me = login(web, "admin@example.org", "premier admin, long et sûr")
            assert me.status_code == 200 and me.json()["roles"] == ["admin"]
            assert me.json()["account"]["email_verified"] is True  # the operator vouches for the address
    finally:
        run(_wipe(database_url))
