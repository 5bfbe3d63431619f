"""Accounts in the back office over HTTP: search by email or name, organisations and roles shown,
roles granted and removed by admins only, suspension (no login, sessions and tokens ended)."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.admin_helpers import post_form, signed_in_as
from tests.browser import as_browser, login
from tests.people import make_person


def test_find_an_account_and_change_its_role(client: TestClient, settings: Settings) -> None:
    admin = make_person(settings, "admin")
    moderator = make_person(settings, "moderator")
    leader = make_person(settings, "project_leader", email="dominique.leroy@example.org")
    with signed_in_as(client, moderator) as web:
        found = web.get("/admin/comptes", params={"q": "LEROY"}).text
        assert "1 compte<" in found and "dominique.leroy@example.org" in found
        assert "Organisation project_leader" in found
        page = web.get(f"/admin/comptes/{leader.account_id}").text
        assert "<td>porteur de projet</td>" in page
        refused = post_form(web, f"/admin/comptes/{leader.account_id}", action="role", platform_role="moderator")
        assert refused.status_code == 403 and "réservé aux administrateurs" in refused.text
    with signed_in_as(client, admin) as web:
        bad = post_form(web, f"/admin/comptes/{leader.account_id}", action="role", platform_role="king")
        assert bad.status_code == 400 and "rôle inconnu" in bad.text
        done = post_form(web, f"/admin/comptes/{leader.account_id}", action="role", platform_role="moderator")
        assert done.status_code == 303
        assert "Modérateur" in web.get(done.headers["location"]).text
    assert client.get("/api/moderation/queue", headers=leader.headers).status_code == 200  # a moderator now
    with signed_in_as(client, admin) as web:
        assert post_form(web, f"/admin/comptes/{leader.account_id}", action="role", platform_role="").status_code == 303
    assert client.get("/api/moderation/queue", headers=leader.headers).status_code == 403


def test_a_suspended_account_cannot_log_in_and_its_sessions_end(client: TestClient, settings: Settings) -> None:
    admin = make_person(settings, "admin")
    leader = make_person(settings, "project_leader")
    assert leader.email is not None
    with as_browser(client) as other:  # the leader's own browser, signed in before the suspension
        assert login(other, leader.email).status_code == 200
        assert other.get("/api/me").status_code == 200
        saved = dict(other.cookies)
    with signed_in_as(client, admin) as web:
        myself = post_form(web, f"/admin/comptes/{admin.account_id}", action="suspend")
        assert myself.status_code == 400 and "propre compte" in myself.text
        assert post_form(web, f"/admin/comptes/{leader.account_id}", action="suspend").status_code == 303
        assert "suspendu depuis" in web.get(f"/admin/comptes/{leader.account_id}").text
    assert client.get("/api/me", headers=leader.headers).status_code == 401  # the token is revoked
    with as_browser(client) as other:
        other.cookies.update(saved)
        assert other.get("/api/me").status_code == 401  # the session is gone
        refused = login(other, leader.email)
        assert refused.status_code == 403 and "suspendu" in refused.json()["detail"]
    with signed_in_as(client, admin) as web:
        assert post_form(web, f"/admin/comptes/{leader.account_id}", action="reinstate").status_code == 303
    with as_browser(client) as other:
        assert login(other, leader.email).status_code == 200
