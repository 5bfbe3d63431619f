"""Notifications of one's matches, on both databases, with a real SMTP server on loopback: the other
party's members are told (in-app and by email, text + HTML, List-Unsubscribe), each as it chose
(immediate, daily digest, none); a party with no member through its listing's contact address; the
outbox loses nothing when SMTP is down and two jobs never send one email twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings
from market.db import session_factory
from market.notifications import jobs, outbox
from tests.conftest import _wipe, suite_settings
from tests.factories import initiative, support_provider
from tests.helpers import assert_problem, run, sql
from tests.mailbox import Mailbox, free_port
from tests.people import Person, anonymously, make_person

PROVIDER_CONTACT = {"name": "Dominique Incubateur", "email": "dominique@incubateur.example.org"}


@pytest.fixture()
def app(mail_settings: Settings, admin: Person) -> Iterator[TestClient]:
    with TestClient(create_app(mail_settings)) as client:
        client.headers.update(admin.headers)
        yield client
    run(_wipe(mail_settings.database_url))


@pytest.fixture()
def sides(mail_settings: Settings) -> dict[str, Person]:
    return {"initiative": make_person(mail_settings, "project_leader"),
            "candidate": make_person(mail_settings, "support_member")}


def create(app: TestClient, resource: str, body: dict[str, Any], who: Person | None) -> dict[str, Any]:
    response = app.post(f"/api/{resource}", json=body, headers=who.headers if who else None)
    assert response.status_code == 201, response.text
    return response.json()


@dataclass
class PairRef:
    """A ranked pair: stored (with an id) once a party acts on it, reading stores nothing."""

    initiative_id: int
    provider_id: int
    id: int | None = None


def match_of(app: TestClient, initiative_id: int, provider_id: int) -> PairRef:
    page = app.get(f"/api/initiatives/{initiative_id}/matches", params={"kind": "support_provider"}).json()
    assert any(i["candidate"]["id"] == provider_id for i in page["items"])
    return PairRef(initiative_id, provider_id)


@pytest.fixture()
def pair(app: TestClient, sides: dict[str, Person]) -> dict[str, Any]:
    ini = create(app, "initiatives", initiative(), sides["initiative"])
    provider = create(app, "support-providers", support_provider(contact=PROVIDER_CONTACT), sides["candidate"])
    return {"initiative": ini, "provider": provider, "match_id": match_of(app, ini["id"], provider["id"])}


def move(app: TestClient, ref: PairRef, status: str, who: Person) -> httpx.Response:
    if ref.id is None:  # the first move stores the pair
        body = {"initiative_id": ref.initiative_id, "candidate_kind": "support_provider",
                "candidate_id": ref.provider_id, "status": status}
        response = app.post("/api/matches", json=body, headers=who.headers)
        assert response.status_code == 201, response.text
        ref.id = response.json()["id"]
        return response
    response = app.patch(f"/api/matches/{ref.id}", json={"status": status}, headers=who.headers)
    assert response.status_code == 200, response.text
    return response


def send(settings: Settings) -> dict[str, int]:
    return dict(run(jobs.send_outbox(settings)))


def notifications(app: TestClient, who: Person) -> dict[str, Any]:
    response = app.get("/api/me/notifications", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


def parts(message: Any) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_interest_tells_the_other_party_by_email_and_in_its_inbox(
        app: TestClient, mail_settings: Settings, mailbox: Mailbox, sides: dict[str, Person],
        pair: dict[str, Any]) -> None:
    leader, partner = sides["initiative"], sides["candidate"]
    move(app, pair["match_id"], "contacted", leader)
    assert mailbox.messages == []  # the email waits in the outbox until the job sends it
    assert send(mail_settings) == {"sent": 1}
    [message] = mailbox.to(partner.email)
    assert message["Subject"] == "Intérêt manifesté : Incubateur ESS du Territoire de Belfort"
    text, html = parts(message)
    link = f"https://bourse.test/mes-mises-en-relation#rapprochement-{pair['match_id'].id}"
    assert "« Épicerie solidaire des Résidences » a manifesté son intérêt" in text and link in text
    assert f'href="{link}"' in html and "« Épicerie solidaire des Résidences »" in html
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://bourse.test/notifications/desabonnement?token=account:")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mailbox.to(leader.email, 0) == []  # the side that acted is not told of its own move

    mine = notifications(app, partner)
    assert mine["unread"] == 1 and mine["items"][0]["kind"] == "interest"
    assert mine["items"][0]["match_id"] == pair["match_id"].id and mine["items"][0]["read_at"] is None
    assert notifications(app, leader) == {"items": [], "unread": 0}

    move(app, pair["match_id"], "in_discussion", partner)  # the partner accepts: the leader is told
    assert send(mail_settings) == {"sent": 1}
    assert "a accepté la mise en relation" in mailbox.to(leader.email)[0].get_body(("plain",)).get_content()
    assert notifications(app, leader)["unread"] == 1
    assert send(mail_settings) == {}  # a re-run sends nothing twice


def test_marking_read_changes_only_ones_own(app: TestClient, sides: dict[str, Person], pair: dict[str, Any]) -> None:
    leader, partner = sides["initiative"], sides["candidate"]
    move(app, pair["match_id"], "contacted", leader)
    move(app, pair["match_id"], "in_discussion", partner)
    theirs = notifications(app, leader)["items"][0]["id"]
    read = app.post("/api/me/notifications/read", json={"ids": [theirs]}, headers=partner.headers)
    assert read.status_code == 200 and read.json() == {"unread": 1}  # another's id is ignored
    assert notifications(app, leader)["unread"] == 1
    assert app.post("/api/me/notifications/read", json={}, headers=partner.headers).json() == {"unread": 0}
    assert notifications(app, partner)["items"][0]["read_at"] is not None
    assert_problem(app.post("/api/me/notifications/read", json={"ids": ["x"]}, headers=partner.headers), 400, None)
    assert app.get("/api/me/notifications", headers={"Authorization": ""}).status_code in (401, 403)


def test_daily_digest_gathers_the_events_once(app: TestClient, mail_settings: Settings, mailbox: Mailbox,
                                              sides: dict[str, Person]) -> None:
    leader, partner = sides["initiative"], sides["candidate"]
    chosen = app.put("/api/me/notification-preferences", json={"interest": "daily"}, headers=partner.headers)
    assert chosen.status_code == 200 and chosen.json() == {"interest": "daily", "accepted": "immediate",
                                                           "declined": "immediate", "partnership": "immediate",
                                                           "new_initiative": "immediate"}
    provider = create(app, "support-providers", support_provider(contact=PROVIDER_CONTACT), partner)
    for title in ("Épicerie solidaire des Résidences", "Ressourcerie du Mont"):
        ini = create(app, "initiatives", initiative(title=title), leader)
        move(app, match_of(app, ini["id"], provider["id"]), "contacted", leader)
    assert send(mail_settings) == {} and mailbox.messages == []
    assert notifications(app, partner)["unread"] == 2  # in the inbox at once
    assert dict(run(jobs.daily_digest(mail_settings))) == {"digests": 1, "sent": 1}
    [message] = mailbox.to(partner.email)
    assert message["Subject"] == "Votre résumé du jour : 2 nouvelle(s) sur vos mises en relation"
    text, html = parts(message)
    assert text.count("a manifesté son intérêt") == 2 and html.count("<li>") == 2
    assert "kind.all" not in message["List-Unsubscribe"] and ".all." in message["List-Unsubscribe"]
    assert dict(run(jobs.daily_digest(mail_settings))) == {"digests": 0}  # nothing twice


def test_none_means_inbox_only(app: TestClient, mail_settings: Settings, mailbox: Mailbox, sides: dict[str, Person],
                               pair: dict[str, Any]) -> None:
    partner = sides["candidate"]
    app.put("/api/me/notification-preferences", json={"interest": "none"}, headers=partner.headers)
    move(app, pair["match_id"], "contacted", sides["initiative"])
    assert send(mail_settings) == {} and run(jobs.daily_digest(mail_settings))["digests"] == 0
    assert mailbox.messages == [] and notifications(app, partner)["unread"] == 1


def test_bad_preferences_name_the_field(app: TestClient, sides: dict[str, Person]) -> None:
    partner = sides["candidate"]
    assert_problem(app.put("/api/me/notification-preferences", json={"interest": "hourly"},
                           headers=partner.headers), 400, None)
    assert_problem(app.put("/api/me/notification-preferences", json={"weekly": "none"},
                           headers=partner.headers), 400, None)
    assert app.get("/api/me/notification-preferences", headers=partner.headers).json()["interest"] == "immediate"


def test_a_party_with_no_member_is_told_through_its_contact_address(
        app: TestClient, mail_settings: Settings, mailbox: Mailbox, sides: dict[str, Person]) -> None:
    ini = create(app, "initiatives", initiative(), sides["initiative"])
    provider = create(app, "support-providers", support_provider(contact=PROVIDER_CONTACT), None)  # the admin's
    move(app, match_of(app, ini["id"], provider["id"]), "contacted", sides["initiative"])
    assert send(mail_settings) == {"sent": 1}
    [message] = mailbox.to(PROVIDER_CONTACT["email"])
    text, html = parts(message)
    assert f"https://bourse.test/accompagnement/{provider['id']}" in text
    claim = f"https://bourse.test/revendiquer/accompagnement/{provider['id']}"  # tests/test_claims.py
    assert text.count(claim) == 1 and html.count(f'href="{claim}"') == 1 and len(html) < 5000
    assert message["List-Unsubscribe"].startswith("<https://bourse.test/notifications/desabonnement?token=email:")
    assert sql(mail_settings.database_url, "SELECT count(*) FROM notifications")[0][0] == 0


def test_one_click_unsubscribe(app: TestClient, mail_settings: Settings, mailbox: Mailbox, sides: dict[str, Person],
                               pair: dict[str, Any]) -> None:
    leader, partner = sides["initiative"], sides["candidate"]
    move(app, pair["match_id"], "contacted", leader)
    send(mail_settings)
    url = mailbox.to(partner.email)[0]["List-Unsubscribe"].strip("<>").removeprefix("https://bourse.test")
    with anonymously(app):
        page = app.get(url)
        assert page.status_code == 200 and "Confirmer le désabonnement" in page.text
        assert app.get("/api/me/notification-preferences", headers=partner.headers).json()["interest"] == "immediate"
        done = app.post(url, content=b"List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert done.status_code == 200 and "est fait : vous ne recevrez plus" in done.text
        assert app.get("/api/me/notification-preferences", headers=partner.headers).json()["interest"] == "none"
        assert app.post(url[:-3] + "AAA").status_code == 400  # a forged signature
        assert_problem(app.post("/api/notifications/unsubscribe", params={"token": "account:1.all.xxxx"}), 400,
                       "token")
    move(app, pair["match_id"], "in_discussion", partner)
    move(app, pair["match_id"], "partnership", leader)  # another kind: still emailed
    send(mail_settings)
    assert len(mailbox.to(partner.email, 2)) == 2


def test_smtp_down_loses_nothing_and_keeps_the_move(database_url: str, admin: Person, mailbox: Mailbox,
                                                    smtp: tuple[Mailbox, int]) -> None:
    down = suite_settings(database_url, embedding_model="", auto_publish=True, smtp_host="127.0.0.1",
                          smtp_port=free_port(), public_url="https://bourse.test")
    leader, partner = make_person(down, "project_leader"), make_person(down, "support_member")
    try:
        with TestClient(create_app(down)) as app:
            app.headers.update(admin.headers)
            ini = create(app, "initiatives", initiative(), leader)
            provider = create(app, "support-providers", support_provider(), partner)
            match_id = match_of(app, ini["id"], provider["id"])
            move(app, match_id, "contacted", leader)
            assert send(down) == {"failed": 1}
            assert app.get(f"/api/matches/{match_id.id}").json()["status"] == "contacted"
        [(status, attempts, error)] = sql(database_url, "SELECT status, attempts, last_error FROM outbox_mails")
        assert (status, attempts, error) == ("pending", 1, "ConnectionRefusedError")
        up = suite_settings(database_url, smtp_host="127.0.0.1", smtp_port=smtp[1], public_url="https://bourse.test")
        assert send(up) == {"sent": 1}
        assert len(mailbox.to(partner.email)) == 1 and send(up) == {}
        sent = sql(database_url, "SELECT status, to_address FROM outbox_mails")
        assert [tuple(row) for row in sent] == [("sent", "")]  # a sent row keeps no address
    finally:
        run(_wipe(database_url))


def test_two_jobs_racing_send_each_email_once(app: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:
    async def go() -> list[Any]:
        async with session_factory(mail_settings) as factory:
            async with factory() as session, session.begin():
                for n in range(12):
                    await outbox.enqueue(session, f"personne{n}@example.org", "match_event", {
                        "kind": "interest", "text": f"événement {n}", "own": "Annonce", "link": "/x",
                        "subscriber": f"account:{n}"})
            return await asyncio.gather(outbox.send_pending(factory, mail_settings),
                                        outbox.send_pending(factory, mail_settings))

    first, second = run(go())
    assert first["sent"] + second["sent"] == 12 and first["taken"] + second["taken"] <= 12
    mailbox.wait(12)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(f"personne{n}@example.org" for n in range(12))


def test_a_run_that_died_while_sending_is_not_sent_again_unless_requeued(
        app: TestClient, mail_settings: Settings, mailbox: Mailbox, sides: dict[str, Person],
        pair: dict[str, Any]) -> None:
    move(app, pair["match_id"], "contacted", sides["initiative"])
    # what a run killed between its claim and its « sent » leaves behind
    sql(mail_settings.database_url, "UPDATE outbox_mails SET status = 'sending', claimed_at = :at",
        at=datetime(2026, 1, 1, tzinfo=UTC))
    assert send(mail_settings) == {} and mailbox.messages == []
    assert dict(run(jobs.send_outbox(mail_settings, requeue_minutes=30))) == {"requeued": 1, "sent": 1}
    assert len(mailbox.to(sides["candidate"].email)) == 1


def test_the_inbox_page_shows_unread_counts(app: TestClient, mail_settings: Settings, sides: dict[str, Person],
                                            pair: dict[str, Any]) -> None:
    move(app, pair["match_id"], "contacted", sides["initiative"])
    page = app.get("/mes-mises-en-relation", headers=sides["candidate"].headers)
    assert page.status_code == 200, page.text
    assert 'data-unread="1"' in page.text and "1 non lue" in page.text
    assert f'id="rapprochement-{pair["match_id"].id}"' in page.text and "1 nouveauté" in page.text
    assert "Résumé quotidien" in page.text or "résumé quotidien" in page.text


def test_the_app_sends_the_outbox_itself_when_jobs_run_in_process(
        database_url: str, admin: Person, smtp: tuple[Mailbox, int], mailbox: Mailbox) -> None:
    settings = suite_settings(database_url, embedding_model="", auto_publish=True, smtp_host="127.0.0.1",
                              smtp_port=smtp[1], public_url="https://bourse.test", jobs_in_process="on",
                              outbox_interval_seconds=1)
    assert not suite_settings(database_url).runs_jobs_in_process  # off in the test environment by default
    leader, partner = make_person(settings, "project_leader"), make_person(settings, "support_member")
    try:
        with TestClient(create_app(settings)) as app:
            app.headers.update(admin.headers)
            ini = create(app, "initiatives", initiative(), leader)
            provider = create(app, "support-providers", support_provider(), partner)
            move(app, match_of(app, ini["id"], provider["id"]), "contacted", leader)
            assert len(mailbox.to(partner.email)) == 1  # no job run by the test: the app's scheduler sent it
    finally:
        run(_wipe(database_url))
