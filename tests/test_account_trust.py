"""Accounts people can trust (issue 11): confirmed addresses by single-use expiring links sent over a
real SMTP server; data linked to an account only once its address is confirmed (the two attacks:
registering someone else's contact or donor address reads and erases nothing); password reset and
change end every other session and token; sessions listed and revoked; no enumeration on sign-up and
reset; logout everywhere."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from litestar.testing import TestClient
from sqlalchemy import update

from api.app import create_app
from market.config import Settings
from market.db import session_scope
from market.models import EmailToken
from tests.browser import SESSION, browser, csrf, login, register, without_cookies
from tests.conftest import _wipe, suite_settings
from tests.factories import initiative
from tests.helpers import run, sql
from tests.mailbox import Mailbox
from tests.people import PASSWORD, make_person
from tests.test_personal_data import add_pledge

VICTIM = "victime.contact@example.org"
DONOR = "donatrice@example.org"
NEW_PASSWORD = "a brand new passphrase for me"





def confirm(web: TestClient, mailbox: Mailbox, email: str) -> None:
    response = web.post("/api/auth/confirm", json={"token": mailbox.token(email, "confirmer")}, headers=csrf(web))
    assert response.status_code == 200, response.text


async def expire_links(settings: Settings) -> None:
    async with session_scope(settings) as session:
        await session.execute(update(EmailToken).values(expires_at=datetime(2020, 1, 1, tzinfo=UTC)))


def snapshot(settings: Settings) -> list:
    return [sql(settings.database_url, "SELECT id, email, display_name, message, anonymous FROM pledges ORDER BY id"),
            sql(settings.database_url, "SELECT id, contact_name, contact_email, contact_phone FROM initiatives")]


def test_registering_someone_elses_contact_or_donor_address_reads_and_erases_nothing(
        web: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:
    leader = make_person(mail_settings, "project_leader")
    ini = web.post("/api/initiatives", headers=leader.headers, json=initiative(
        contact={"name": "Victime", "email": VICTIM, "phone": "01 23 45 67 89"})).json()
    add_pledge(mail_settings, ini["id"], DONOR, "d1")
    before = snapshot(mail_settings)
    for address in (VICTIM, DONOR):  # the attacker registers each address, and logs in (unconfirmed)
        with without_cookies(web):
            assert register(web, address, "the attacker's own password").status_code == 202
            assert login(web, address, "the attacker's own password").status_code == 200
            me = web.get("/api/me").json()
            assert me["account"]["email_verified"] is False and me["roles"] == []
            refused = web.get("/api/me/export")
            assert refused.status_code == 403 and "confirmez" in refused.json()["detail"]
            assert web.delete("/api/me", headers=csrf(web)).status_code == 204  # only its own account goes
    assert snapshot(mail_settings) == before
    assert sql(mail_settings.database_url, "SELECT count(*) FROM personal_links")[0][0] == 0


def test_the_owner_of_a_confirmed_address_gets_exactly_what_is_linked(web: TestClient, mail_settings: Settings,
                                                                      mailbox: Mailbox) -> None:
    leader = make_person(mail_settings, "project_leader")
    ini = web.post("/api/initiatives", headers=leader.headers, json=initiative(
        contact={"name": "Victime", "email": VICTIM.upper(), "phone": "01 23 45 67 89"})).json()
    mine = add_pledge(mail_settings, ini["id"], VICTIM, "v1")
    add_pledge(mail_settings, ini["id"], DONOR, "v2")
    assert register(web, VICTIM).status_code == 202
    confirm(web, mailbox, VICTIM)
    links = sql(mail_settings.database_url, "SELECT subject, subject_id FROM personal_links ORDER BY subject")
    assert links == [("initiative", ini["id"]), ("pledge", mine)]
    login(web, VICTIM)
    data = web.get("/api/me/export").json()
    assert [p["id"] for p in data["pledges"]] == [mine]
    assert [c["listing_id"] for c in data["listing_contacts"]] == [ini["id"]]
    # the organisation changes its contact: the listing is no longer this person's
    changed = web.patch(f"/api/initiatives/{ini['id']}", headers=leader.headers,
                        json={"contact": {"name": "Autre", "email": "autre@example.org"}})
    assert changed.status_code == 200, changed.text
    assert web.get("/api/me/export").json()["listing_contacts"] == []
    assert web.delete("/api/me", headers=csrf(web)).status_code == 204
    assert sql(mail_settings.database_url, "SELECT email, anonymous FROM pledges WHERE id = :p", p=mine) == [
        (None, True)]
    assert sql(mail_settings.database_url, "SELECT contact_email FROM initiatives") == [("autre@example.org",)]
    assert sql(mail_settings.database_url, "SELECT count(*) FROM pledges WHERE email = :e", e=DONOR)[0][0] == 1
    assert sql(mail_settings.database_url, "SELECT count(*) FROM personal_links")[0][0] == 0


def test_confirmation_links_are_single_use_expire_and_unconfirmed_accounts_do_nothing_else(
        database_url: str, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    settings = suite_settings(database_url, embedding_model="", smtp_host="127.0.0.1", smtp_port=port,
                              confirm_link_hours=1)
    try:
        with browser(create_app(settings)) as web:
            assert register(web, "lea@example.org").status_code == 202
            login(web, "lea@example.org")
            made = web.post("/api/organisations", json={"name": "Asso", "kind": "business", "role": "funder"},
                            headers=csrf(web))
            assert made.status_code == 403 and "confirmez" in made.json()["detail"]
            assert web.get("/api/me/tokens").status_code == 403
            assert web.post("/api/me/tokens", json={"name": "x"}, headers=csrf(web)).status_code == 403
            token = mailbox.token("lea@example.org", "confirmer")
            for bad in ("x" * 43, token[:-2] + "AA", ""):
                refused = web.post("/api/auth/confirm", json={"token": bad}, headers=csrf(web))
                assert refused.status_code == 400 and refused.json()["field"] == "token", bad
            # an expired link does nothing; a new one is sent on request
            run(expire_links(settings))
            assert web.post("/api/auth/confirm", json={"token": token}, headers=csrf(web)).status_code == 400
            assert web.post("/api/auth/confirm/resend", headers=csrf(web)).status_code == 202
            fresh = mailbox.token("lea@example.org", "confirmer", count=2)
            assert fresh != token
            assert web.post("/api/auth/confirm", json={"token": fresh}, headers=csrf(web)).status_code == 200
            again = web.post("/api/auth/confirm", json={"token": fresh}, headers=csrf(web))
            assert again.status_code == 400  # single use
            made = web.post("/api/organisations", json={"name": "Asso", "kind": "business", "role": "funder"},
                            headers=csrf(web))
            assert made.status_code == 201, made.text
            stored = {r[0] for r in sql(database_url, "SELECT token_hash FROM email_tokens")}
            assert token not in stored and fresh not in stored  # only hashes are kept
    finally:
        run(_wipe(database_url))


def test_sign_up_and_reset_answer_the_same_whether_the_address_has_an_account(
        web: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:
    person = make_person(mail_settings, "funder")
    timings = {}
    answers = {}
    for label, email in (("known", person.email), ("unknown", "personne@example.org")):
        with without_cookies(web):
            answers[label, "forgot"] = web.post("/api/auth/password/forgot", json={"email": email}, headers=csrf(web))
            start = time.perf_counter()
            answers[label, "register"] = register(web, email, "some other long password")
            timings[label] = time.perf_counter() - start
    for kind in ("register", "forgot"):
        known, unknown = answers["known", kind], answers["unknown", kind]
        assert known.status_code == unknown.status_code == 202 and known.content == unknown.content, kind
        assert SESSION not in web.cookies
    assert abs(timings["known"] - timings["unknown"]) < 0.5  # one argon2 run each, mails sent after
    subjects = sorted(m["Subject"] for m in mailbox.to(person.email, 2))
    assert subjects == ["Réinitialiser votre mot de passe", "Vous avez déjà un compte"]
    assert [m["Subject"] for m in mailbox.to("personne@example.org")] == ["Confirmez votre adresse email"]


def test_reset_by_link_ends_every_session_and_token(web: TestClient, mail_settings: Settings,
                                                    mailbox: Mailbox) -> None:
    person = make_person(mail_settings, "funder")
    assert login(web, person.email).status_code == 200
    assert web.post("/api/auth/password/forgot", json={"email": person.email.upper()},
                    headers=csrf(web)).status_code == 202
    token = mailbox.token(person.email, "mot-de-passe")
    with without_cookies(web):
        weak = web.post("/api/auth/password/reset", json={"token": token, "password": "motdepasse123"},
                        headers=csrf(web))
        assert weak.status_code == 400 and weak.json()["field"] == "password"  # the link still works
        done = web.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD},
                        headers=csrf(web))
        assert done.status_code == 200, done.text
        assert web.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD + "!"},
                        headers=csrf(web)).status_code == 400  # single use
    assert web.get("/api/me").status_code == 401  # the other browser's session ended
    assert web.get("/api/me", headers=person.headers).status_code == 401  # and the API token
    with without_cookies(web):
        assert login(web, person.email).status_code == 401
        assert login(web, person.email, NEW_PASSWORD).status_code == 200
    assert "Votre mot de passe a changé" in [m["Subject"] for m in mailbox.to(person.email, 2)]


def test_change_with_the_current_password_ends_the_others_and_sessions_are_listed_and_revoked(
        web: TestClient, mail_settings: Settings) -> None:
    person = make_person(mail_settings, "funder")
    with browser(create_app(mail_settings)) as other:
        assert login(other, person.email).status_code == 200
        assert login(web, person.email).status_code == 200
        listed = web.get("/api/me/sessions").json()
        assert len(listed["sessions"]) == 2 and [s["current"] for s in listed["sessions"]].count(True) == 1
        assert [t["name"] for t in listed["tokens"]] == ["tests"]
        assert web.cookies[SESSION] not in str(listed)  # rows are named by their id, never the cookie
        wrong = web.put("/api/me/password", json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
                        headers=csrf(web))
        assert wrong.status_code == 400 and wrong.json()["field"] == "current_password"
        before = web.cookies[SESSION]
        changed = web.put("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                          headers=csrf(web))
        assert changed.status_code == 200, changed.text
        assert web.cookies[SESSION] != before and web.get("/api/me").status_code == 200  # this one goes on
        assert other.get("/api/me").status_code == 401  # the other browser is out
        assert web.get("/api/me", headers=person.headers).status_code == 401  # the token is revoked
        # one session ended by its id, from another
        assert login(other, person.email, NEW_PASSWORD).status_code == 200
        rows = web.get("/api/me/sessions").json()["sessions"]
        [theirs] = [s for s in rows if not s["current"]]
        stranger = make_person(mail_settings, "funder")
        assert web.delete(f"/api/me/sessions/{theirs['id']}", headers=stranger.headers).status_code == 404
        assert web.delete(f"/api/me/sessions/{theirs['id']}", headers=csrf(web)).status_code == 204
        assert other.get("/api/me").status_code == 401
        assert web.delete("/api/me/sessions/not-a-uuid", headers=csrf(web)).status_code == 404
        # logout everywhere
        assert login(other, person.email, NEW_PASSWORD).status_code == 200
        out = web.post("/api/auth/logout", json={"everywhere": True}, headers=csrf(web))
        assert out.status_code == 204
        assert other.get("/api/me").status_code == 401 and web.get("/api/me").status_code == 401
    assert sql(mail_settings.database_url, "SELECT count(*) FROM web_sessions WHERE account_id = :a",
               a=person.account_id)[0][0] == 0


def test_the_emailed_link_opens_a_form_and_only_its_post_spends_the_token(web: TestClient, mailbox: Mailbox,
                                                                          mail_settings: Settings) -> None:
    assert register(web, "page@example.org").status_code == 202
    [message] = mailbox.to("page@example.org")
    link = next(line for line in message.get_content().splitlines() if "/compte/" in line)
    assert link.startswith("https://bourse.test/compte/confirmer?jeton=") and "#" not in link
    for _ in range(2):  # a mail scanner opening the link twice spends nothing
        page = web.get(link.split("https://bourse.test")[1])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'method="post" action="/compte/confirmer"' in page.text
        assert page.headers["referrer-policy"] == "no-referrer" and "script-src" not in page.headers[
            "content-security-policy"]  # no inline script: the page runs under default-src 'self'
    token = mailbox.token("page@example.org", "confirmer")
    assert sql(mail_settings.database_url, "SELECT count(*) FROM email_tokens WHERE used_at IS NULL")[0][0] == 1
    assert web.post("/api/auth/confirm", json={"token": token}, headers=csrf(web)).status_code == 200
    assert web.get("/compte/nimporte-quoi").status_code == 404


def test_the_owner_of_an_address_someone_registered_first_takes_it_back_by_reset(
        web: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:
    with browser(create_app(mail_settings)) as attacker:
        assert register(attacker, VICTIM, "the attacker's own password").status_code == 202
        assert login(attacker, VICTIM, "the attacker's own password").status_code == 200
        assert register(web, VICTIM).status_code == 202  # the owner: "vous avez déjà un compte"
        assert "Vous avez déjà un compte" in [m["Subject"] for m in mailbox.to(VICTIM, 2)]
        assert web.post("/api/auth/password/forgot", json={"email": VICTIM}, headers=csrf(web)).status_code == 202
        token = mailbox.token(VICTIM, "mot-de-passe", count=3)
        assert web.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD},
                        headers=csrf(web)).status_code == 200
        assert attacker.get("/api/me").status_code == 401  # the squatter is out
        assert login(attacker, VICTIM, "the attacker's own password").status_code == 401
    me = login(web, VICTIM, NEW_PASSWORD).json()
    assert me["account"]["email_verified"] is True  # the reset link reached the address
