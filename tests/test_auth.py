"""Accounts over HTTP: register, log in, log out, /api/me; server-side sessions in the database
(rotated at login, ended at logout, kept across a restart); email unique whatever its case; the
password rules; one answer and one argon2 cost for every failed login; limits per account and per
address with 429 and Retry-After; API tokens (hash only, bearer, revocation)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings
from tests.browser import SESSION, browser, csrf, login, register, session_cookie_header, without_cookies
from tests.conftest import _wipe, suite_settings
from tests.helpers import run, sql
from tests.mailbox import Mailbox
from tests.people import PASSWORD, make_person


@pytest.fixture()
def auth_settings(database_url: str, smtp: tuple[Mailbox, int]) -> Settings:
    return suite_settings(database_url, embedding_model="", smtp_host="127.0.0.1", smtp_port=smtp[1],
                          public_url="https://bourse.test")


@pytest.fixture()
def web(auth_settings: Settings) -> Iterator[TestClient]:
    with browser(create_app(auth_settings)) as client:
        yield client
    run(_wipe(auth_settings.database_url))


def sessions_of(settings: Settings, account_id: int) -> list[str]:
    rows = sql(settings.database_url, "SELECT session_id FROM web_sessions WHERE account_id = :a", a=account_id)
    return [r[0] for r in rows]


def test_register_confirm_login_me_logout(web: TestClient, auth_settings: Settings, mailbox: Mailbox) -> None:
    # Issue 11 changed this: registering answers 202 and opens no session (the same answer whether the
    # address has an account or not); the address is confirmed by the emailed link, then one logs in.
    created = register(web, "Anne.Exemple@Example.org", display_name="Anne")
    assert created.status_code == 202, created.text
    assert SESSION not in web.cookies and "password" not in created.text
    token = mailbox.token("anne.exemple@example.org", "confirmer")
    assert web.post("/api/auth/confirm", json={"token": token}, headers=csrf(web)).status_code == 200

    logged = login(web, "ANNE.exemple@example.ORG")
    assert logged.status_code == 200, logged.text
    me = logged.json()
    assert me["account"]["email"] == "anne.exemple@example.org" and me["account"]["display_name"] == "Anne"
    assert me["account"]["email_verified"] is True
    assert me["roles"] == [] and me["organisations"] == [] and me["authenticated_by"] == "session"
    cookie = session_cookie_header(logged).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie  # BOURSE_ENV=test
    account_id = me["account"]["id"]
    first = web.cookies[SESSION]
    assert sessions_of(auth_settings, account_id) == [first]  # in the database, with its account

    assert web.get("/api/me").json()["account"]["id"] == account_id
    out = web.post("/api/auth/logout", headers=csrf(web))
    assert out.status_code == 204
    deleted = session_cookie_header(out).lower()
    assert "max-age=0" in deleted and "max-age=1" not in deleted  # the cookie is deleted for real
    assert sessions_of(auth_settings, account_id) == []
    assert web.get("/api/me").status_code == 401
    web.cookies.set(SESSION, first, domain="testserver.local")  # the ended session is worth nothing
    assert web.get("/api/me").status_code == 401

    assert login(web, "anne.exemple@example.org").status_code == 200
    assert web.cookies[SESSION] != first
    hashed = sql(auth_settings.database_url, "SELECT password_hash FROM accounts WHERE id = :a", a=account_id)[0][0]
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed


def test_session_id_is_rotated_at_login_and_a_planted_one_is_never_adopted(web: TestClient,
                                                                           auth_settings: Settings) -> None:
    person = make_person(auth_settings, "funder")
    web.cookies.set(SESSION, "planted-by-an-attacker", domain="testserver.local")
    assert web.get("/api/me").status_code == 401
    assert login(web, person.email).status_code == 200
    after_login = web.cookies[SESSION]
    assert after_login != "planted-by-an-attacker" and len(after_login) == 64
    assert login(web, person.email).status_code == 200  # logging in again rotates again
    assert web.cookies[SESSION] != after_login
    assert sessions_of(auth_settings, person.account_id) == [web.cookies[SESSION]]
    with without_cookies(web) as attacker:
        for stale in ("planted-by-an-attacker", after_login):
            attacker.cookies.set(SESSION, stale, domain="testserver.local")
            assert attacker.get("/api/me").status_code == 401


def test_anonymous_visitors_get_no_session_row_or_cookie(web: TestClient, auth_settings: Settings) -> None:
    response = web.get("/api/vocabulary")
    assert SESSION not in response.headers.get("set-cookie", "")
    assert sql(auth_settings.database_url, "SELECT count(*) FROM web_sessions")[0][0] == 0


def test_sessions_are_in_the_database_and_survive_a_restart(web: TestClient, auth_settings: Settings) -> None:
    person = make_person(auth_settings, "project_leader")
    assert login(web, person.email).status_code == 200
    cookie = web.cookies[SESSION]
    with browser(create_app(auth_settings)) as restarted:  # a new app: nothing in memory is shared
        restarted.cookies.set(SESSION, cookie, domain="testserver.local")
        me = restarted.get("/api/me").json()
        assert me["account"]["id"] == person.account_id and me["roles"] == ["project_leader"]
        assert me["organisations"][0]["organisation"]["id"] == person.organisation_id


def test_email_is_unique_whatever_its_case(web: TestClient, auth_settings: Settings, mailbox: Mailbox) -> None:
    # Issue 11 changed this: the second registration gets the same 202 as the first (no enumeration);
    # the email to the address says it already has an account, and no second account is made.
    first = register(web, "camille@example.org")
    taken = register(web, "CAMILLE@Example.ORG", "another long password here")
    assert first.status_code == taken.status_code == 202 and first.json() == taken.json()
    assert sql(auth_settings.database_url, "SELECT count(*) FROM accounts")[0][0] == 1
    subjects = [m["Subject"] for m in mailbox.to("camille@example.org", 2)]
    assert subjects == ["Confirmez votre adresse email", "Vous avez déjà un compte"]


@pytest.mark.parametrize(("password", "why"), [
    ("petit", "trop court"),
    ("x" * 257, "trop long"),
    ("motdepasse123", "plus courants"),
    ("Password1234", "plus courants"),
    ("aaaaaaaaaaaaaaaa", "plus courants"),
    ("dominique@example.org", "adresse email"),
])
def test_weak_passwords_are_refused_naming_the_field(web: TestClient, auth_settings: Settings, password: str,
                                                     why: str) -> None:
    refused = register(web, "dominique@example.org", password)
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["field"] == "password" and why in body["detail"], body
    assert password not in refused.text
    assert sql(auth_settings.database_url, "SELECT count(*) FROM accounts")[0][0] == 0


def test_a_failed_login_never_tells_whether_the_email_exists(web: TestClient, auth_settings: Settings,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    person = make_person(auth_settings, "funder")
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        calls.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    wrong = login(web, person.email, "not the right password at all")
    unknown = login(web, "nobody-here@example.org", "not the right password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "adresse email ou mot de passe incorrect"
    assert "field" not in wrong.json() and "field" not in unknown.json()
    assert len(calls) == 2 and calls[0] != calls[1]  # one argon2 verification each: the same cost


def test_failures_per_account_slow_down_then_429_with_retry_after(database_url: str) -> None:
    settings = suite_settings(database_url, embedding_model="", login_failures_per_account=3, login_lock_seconds=20)
    person = make_person(settings, "funder")
    try:
        with browser(create_app(settings)) as web:
            for _ in range(3):
                assert login(web, person.email, "wrong password, again and again").status_code == 401
            locked = login(web, person.email)  # even the right password waits
            assert locked.status_code == 429, locked.text
            assert 1 <= int(locked.headers["retry-after"]) <= 20
            assert "tentatives" in locked.json()["detail"]
            unknown = [login(web, "ghost@example.org", "wrong password, again").status_code for _ in range(4)]
            assert unknown == [401, 401, 401, 429]  # an email without an account is counted the same way
            other = make_person(settings, "funder")
            assert login(web, other.email).status_code == 200  # other accounts are not locked
    finally:
        run(_wipe(database_url))


def test_requests_per_address_are_limited_with_retry_after(database_url: str) -> None:
    settings = suite_settings(database_url, embedding_model="", auth_rate_per_minute=4)
    try:
        with browser(create_app(settings)) as web:
            statuses = [login(web, f"someone{i}@example.org", "whatever password").status_code for i in range(5)]
            assert statuses == [401, 401, 401, 401, 429]
            limited = login(web, "someone@example.org", "whatever password")
            assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
            assert limited.headers["ratelimit-limit"] == "4"
            assert web.get("/api/vocabulary").status_code == 200  # only the auth routes are limited
    finally:
        run(_wipe(database_url))


def test_failures_per_address_slow_down(database_url: str) -> None:
    settings = suite_settings(database_url, embedding_model="", login_failures_per_address=3)
    try:
        with browser(create_app(settings)) as web:
            statuses = [login(web, f"guess{i}@example.org", "wrong password, again").status_code for i in range(4)]
            assert statuses == [401, 401, 401, 429]
    finally:
        run(_wipe(database_url))


def test_api_tokens_hash_only_bearer_without_csrf_and_revocation(web: TestClient, auth_settings: Settings) -> None:
    person = make_person(auth_settings, "project_leader")
    login(web, person.email)
    created = web.post("/api/me/tokens", json={"name": "intégration", "expires_in_days": 30}, headers=csrf(web))
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    assert token.startswith("bai_") and created.json()["prefix"] == token[:12]
    listed = web.get("/api/me/tokens").json()
    assert token not in str(listed) and {t["name"] for t in listed} == {"tests", "intégration"}
    stored = {r[0] for r in sql(auth_settings.database_url, "SELECT token_hash FROM api_tokens")}
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored

    session_csrf = csrf(web)
    with without_cookies(web) as api:  # no cookie, no CSRF token: the bearer token alone
        bearer = {"Authorization": f"Bearer {token}"}
        assert api.get("/api/me", headers=bearer).json()["authenticated_by"] == "token"
        made = api.post("/api/organisations", json={"name": "Épicerie du coin", "kind": "initiative_group",
                                                    "role": "project_leader"}, headers=bearer)
        assert made.status_code == 201, made.text
        token_id = created.json()["id"]
        assert api.delete(f"/api/me/tokens/{token_id}", headers=bearer).json()["revoked_at"]
        revoked = api.get("/api/me", headers=bearer)
        assert revoked.status_code == 401 and revoked.headers["www-authenticate"].startswith("Bearer")
        for bad in ("Bearer nonsense", "Bearer bai_unknown", "Basic abc", "Bearer "):
            assert api.get("/api/me", headers={"Authorization": bad}).status_code == 401, bad
    # a bad bearer token never falls back to the session cookie
    assert web.get("/api/me").status_code == 200
    assert web.get("/api/me", headers={"Authorization": "Bearer bai_unknown"}).status_code == 401
    other = make_person(auth_settings, "funder")
    assert web.delete(f"/api/me/tokens/{token_id}", headers=other.headers).status_code == 404  # not theirs
    assert web.delete("/api/me/tokens/999999", headers=session_csrf).status_code == 404


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/auth/register", {"email": "pas-une-adresse", "password": PASSWORD}, "email"),
    ("/api/auth/register", {"email": "a@b.fr"}, "password"),
    ("/api/auth/register", {"email": "a@b.fr", "password": 123456789012}, "password"),
    ("/api/auth/register", {"email": "a@b.fr", "password": PASSWORD, "role": "admin"}, "role"),
    ("/api/auth/register", {"email": "a@b.fr", "password": PASSWORD, "display_name": ""}, "display_name"),
    ("/api/auth/login", {"email": "a@b.fr"}, "password"),
    ("/api/auth/login", {"password": PASSWORD}, "email"),
    ("/api/auth/login", {"email": ["a@b.fr"], "password": PASSWORD}, "email"),
])
def test_bad_auth_bodies_name_the_field(web: TestClient, auth_settings: Settings, path: str, body: dict,
                                        field: str) -> None:
    response = web.post(path, json=body, headers=csrf(web))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert sql(auth_settings.database_url, "SELECT count(*) FROM accounts")[0][0] == 0
    malformed = web.post(path, content=b'{"email": ', headers={**csrf(web), "content-type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["field"] == "body"


def test_expired_sessions_are_refused_and_forgotten_at_start(web: TestClient, auth_settings: Settings) -> None:
    from datetime import UTC, datetime, timedelta

    from market.accounts.session_models import WebSession
    from market.db import session_scope

    person = make_person(auth_settings, "funder")
    login(web, person.email)
    live = web.cookies[SESSION]

    async def expire() -> None:
        async with session_scope(auth_settings) as session:
            session.add(WebSession(session_id="old-one", data=b'{"account_id": 1, "at": 0}', account_id=None,
                                   expires_at=datetime.now(UTC) - timedelta(days=1)))

    run(expire())
    with browser(create_app(auth_settings)) as restarted:  # start-up deletes the expired rows
        restarted.cookies.set(SESSION, "old-one", domain="testserver.local")
        assert restarted.get("/api/me").status_code == 401
        restarted.cookies.set(SESSION, live, domain="testserver.local")
        assert restarted.get("/api/me").status_code == 200
    assert {r[0] for r in sql(auth_settings.database_url, "SELECT session_id FROM web_sessions")} == {live}
