"""Personal data: GET /api/me/export gives everything held about the person; DELETE /api/me erases
the account (a tombstone), ends its sessions and tokens, anonymises its pledges (amounts kept) and
keeps its organisation's listings."""

from __future__ import annotations

from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings
from tests.browser import SESSION, browser, csrf, login, without_cookies
from tests.factories import initiative
from tests.helpers import sql
from tests.people import anonymously, make_person

EMAIL = "dominique.donatrice@example.org"


def add_pledge(settings: Settings, initiative_id: int, email: str, reference: str) -> int:
    return sql(settings.database_url, "INSERT INTO pledges (initiative_id, amount_cents, currency, email, "
               "display_name, message, status, stripe_reference, receipt_token, refunded_cents, disputed, "
               "anonymous, created_at, updated_at) VALUES (:i, 2500, 'eur', :e, 'Dominique', 'Bon courage', "
               "'succeeded', :r, :t, 0, false, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id",
               i=initiative_id, e=email, r=reference, t=f"token-{reference}-0123456789")[0][0]


def test_export_holds_everything_about_the_person(client: TestClient, settings: Settings) -> None:
    person = make_person(settings, "project_leader", email=EMAIL)
    ini = client.post("/api/initiatives", headers=person.headers, json=initiative(
        contact={"name": "Dominique", "email": EMAIL.upper(), "phone": "01 23 45 67 89"})).json()
    mine = add_pledge(settings, ini["id"], "Dominique.Donatrice@example.org", "p1")
    add_pledge(settings, ini["id"], "someone.else@example.org", "p2")
    with browser(create_app(settings)) as web:
        login(web, EMAIL)
        exported = web.get("/api/me/export")
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["account"]["email"] == EMAIL and data["roles"] == ["project_leader"]
    assert data["memberships"][0]["organisation"]["id"] == person.organisation_id
    assert data["sessions"] == {"active": 1}
    assert [t["name"] for t in data["api_tokens"]] == ["tests"] and "token" not in data["api_tokens"][0]
    assert [(p["id"], p["amount_cents"], p["message"]) for p in data["pledges"]] == [(mine, 2500, "Bon courage")]
    assert data["listing_contacts"] == [{"kind": "initiative", "listing_id": ini["id"], "contact_name": "Dominique",
                                         "contact_email": EMAIL.upper(), "contact_phone": "01 23 45 67 89"}]
    assert [a["action"] for a in data["moderation_actions"]] == ["submit", "auto_publish"]  # its own listing's
    assert "password" not in exported.text and "argon2" not in exported.text
    assert client.get("/api/me/export", headers={"Authorization": ""}).status_code == 401


def test_erasure_keeps_pledges_anonymised_and_the_organisation_listings(client: TestClient,
                                                                         settings: Settings) -> None:
    person = make_person(settings, "project_leader", email=EMAIL)
    colleague = make_person(settings, "project_leader", organisations={"project_leader": person.organisation_id})
    ini = client.post("/api/initiatives", headers=person.headers, json=initiative(
        contact={"name": "Dominique", "email": EMAIL})).json()
    pledge = add_pledge(settings, ini["id"], EMAIL, "p3")
    moderator = make_person(settings, "moderator")
    client.post(f"/api/initiatives/{ini['id']}/moderation", json={"action": "archive"}, headers=moderator.headers)
    with browser(create_app(settings)) as web:
        login(web, EMAIL)
        session_id = web.cookies[SESSION]
        assert web.delete("/api/me").status_code == 403  # a session needs its CSRF token
        erased = web.delete("/api/me", headers=csrf(web))
        assert erased.status_code == 204, erased.text
        assert web.get("/api/me").status_code == 401
        web.cookies.set(SESSION, session_id, domain="testserver.local")
        assert web.get("/api/me").status_code == 401
        with without_cookies(web):
            assert login(web, EMAIL).status_code == 401
    assert client.get("/api/me", headers=person.headers).status_code == 401  # its tokens are gone

    [account] = sql(settings.database_url, "SELECT email, password_hash, display_name, erased_at FROM accounts "
                    "WHERE id = :a", a=person.account_id)
    assert account[:3] == (None, None, None) and account[3] is not None
    for table in ("web_sessions", "api_tokens", "memberships"):
        assert sql(settings.database_url, f"SELECT count(*) FROM {table} WHERE account_id = :a",
                   a=person.account_id)[0][0] == 0, table
    assert sql(settings.database_url, "SELECT email, display_name, message, anonymous, amount_cents, status "
               "FROM pledges WHERE id = :p", p=pledge) == [(None, None, None, True, 2500, "succeeded")]
    listing = sql(settings.database_url, "SELECT organisation_id, contact_email, contact_name, status FROM initiatives")
    assert listing == [(person.organisation_id, None, None, "archived")]
    # the moderation log keeps the action (its actor was not the erased person) and the colleague goes on
    assert client.get(f"/api/initiatives/{ini['id']}", headers=colleague.headers).status_code == 200
    assert sql(settings.database_url, "SELECT count(*) FROM moderation_actions WHERE listing_id = :i",
               i=ini["id"])[0][0] == 3
    everything = str(sql(settings.database_url, "SELECT * FROM accounts")) + str(
        sql(settings.database_url, "SELECT * FROM pledges"))
    assert EMAIL not in everything and "Dominique" not in everything


def test_an_erased_moderator_leaves_the_log_without_a_name(client: TestClient, settings: Settings) -> None:
    moderator = make_person(settings, "moderator")
    ini = client.post("/api/initiatives", json=initiative()).json()
    client.post(f"/api/initiatives/{ini['id']}/moderation", json={"action": "archive", "reason": "test"},
                headers=moderator.headers)
    assert client.delete("/api/me", headers=moderator.headers).status_code == 204
    log = client.get("/api/moderation/actions", params={"listing_id": ini["id"]}).json()["items"]
    assert log[0]["action"] == "archive" and log[0]["actor_id"] == moderator.account_id
    assert sql(settings.database_url, "SELECT email FROM accounts WHERE id = :a", a=moderator.account_id) == [(None,)]


def test_saved_searches_and_email_choices_are_exported_then_erased(client: TestClient, settings: Settings) -> None:
    person = make_person(settings, "funder", email=EMAIL)
    search = {"kind": "initiative", "territory": "90", "theme": "food", "frequency": "daily"}
    assert client.post("/api/saved-searches", json=search, headers=person.headers).status_code == 201
    with anonymously(client):  # made without an account, from the same address, and from another one
        made = client.post("/api/saved-searches", json={**search, "email": EMAIL.upper(), "frequency": "weekly"})
        assert made.status_code == 201, made.text
        client.post("/api/saved-searches", json={**search, "email": "someone.else@example.org"})
    assert client.put("/api/me/notification-preferences", json={"interest": "daily"},
                      headers=person.headers).status_code == 200
    data = client.get("/api/me/export", headers=person.headers).json()
    assert sorted(s["frequency"] for s in data["saved_searches"]) == ["daily", "weekly"]
    assert data["notification_preferences"] == {"interest": "daily"} and data["notifications"] == []
    sql(settings.database_url, "INSERT INTO outbox_mails (to_address, template, context, status, attempts, "
        "created_at) VALUES (:e, 'digest', '{}', 'pending', 0, CURRENT_TIMESTAMP)", e=EMAIL)

    assert client.delete("/api/me", headers=person.headers).status_code == 204
    assert sql(settings.database_url, "SELECT email FROM saved_searches") == [("someone.else@example.org",)]
    assert sql(settings.database_url, "SELECT count(*) FROM notification_preferences")[0][0] == 0
    assert sql(settings.database_url, "SELECT count(*) FROM outbox_mails WHERE lower(to_address) = :e",
               e=EMAIL)[0][0] == 0
