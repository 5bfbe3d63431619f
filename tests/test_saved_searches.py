"""Saved searches and reverse alerts over HTTP, on both databases, with the real SMTP server on loopback: new published
listings matching a search come as one digest per period, never the same listing twice; without an
account the address is confirmed first; the signed link stops the alert; the clock is injected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import TestClient

from market.config import Settings
from market.db import session_factory
from market.models import utcnow
from market.notifications import jobs, search_alerts
from matching.engine import WEIGHTS
from tests.factories import initiative, support_provider
from tests.helpers import assert_problem, run
from tests.mailbox import Mailbox
from tests.people import anonymously, make_person
from tests.test_notifications import app, create, send  # noqa: F401  (the app fixture)

SEARCH = {"kind": "initiative", "territory": "90", "theme": "food", "frequency": "daily"}


def alerts(settings: Settings, at: Any = None) -> int:
    async def go() -> int:
        async with session_factory(settings) as factory:
            return await search_alerts.send_search_alerts(factory, now=at)

    return run(go())


def titles(message: Any) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_daily_search_sends_new_listings_once(app: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:  # noqa: F811
    leader = make_person(mail_settings, "project_leader")
    funder = make_person(mail_settings, "funder")
    create(app, "initiatives", initiative(title="Cantine déjà là"), leader)  # published before the search
    saved = app.post("/api/saved-searches", json=SEARCH, headers=funder.headers)
    assert saved.status_code == 201, saved.text
    assert saved.json()["confirmed"] is True and saved.json()["filters"] == {"theme": "food"}
    for title in ("Épicerie du Mont", "Cantine des Glacis"):
        create(app, "initiatives", initiative(title=title), leader)
    create(app, "initiatives", initiative(title="Épicerie de Créteil", commune="94028"), leader)  # elsewhere
    now = utcnow()
    assert alerts(mail_settings, now) == 1
    assert send(mail_settings) == {"sent": 1}
    [message] = mailbox.to(funder.email)
    body = titles(message)
    assert message["Subject"] == "2 nouvelle(s) annonce(s) pour votre recherche"
    assert "Épicerie du Mont" in body and "Cantine des Glacis" in body
    assert "Créteil" not in body and "Cantine déjà là" not in body and "au plus une fois par jour" in body
    assert ".search." in message["List-Unsubscribe"]
    create(app, "initiatives", initiative(title="Ressourcerie des Forges"), leader)
    assert alerts(mail_settings, now + timedelta(hours=23)) == 0  # at most one per day
    assert alerts(mail_settings, now + timedelta(days=1)) == 1
    send(mail_settings)
    later = titles(mailbox.to(funder.email, 2)[1])
    assert "Ressourcerie des Forges" in later and "Épicerie du Mont" not in later  # never the same twice
    assert alerts(mail_settings, now + timedelta(days=3)) == 0

    mine = app.get("/api/me/saved-searches", headers=funder.headers).json()
    assert [s["id"] for s in mine] == [saved.json()["id"]] and mine[0]["last_sent_at"] is not None
    assert app.delete(f"/api/me/saved-searches/{mine[0]['id']}", headers=leader.headers).status_code == 404
    assert app.delete(f"/api/me/saved-searches/{mine[0]['id']}", headers=funder.headers).status_code == 204
    assert app.get("/api/me/saved-searches", headers=funder.headers).json() == []


def test_without_an_account_the_address_is_confirmed_first(app: TestClient, mail_settings: Settings,  # noqa: F811
                                                           mailbox: Mailbox) -> None:
    leader = make_person(mail_settings, "project_leader")
    with anonymously(app):
        saved = app.post("/api/saved-searches", json={**SEARCH, "frequency": "immediate",
                                                      "email": "Voisine@Example.org"})
        assert saved.status_code == 201 and saved.json()["confirmed"] is False
    create(app, "initiatives", initiative(title="Épicerie du Mont"), leader)
    assert alerts(mail_settings) == 0  # not confirmed: nothing
    send(mail_settings)
    [confirmation] = mailbox.to("voisine@example.org")
    link = next(word for word in titles(confirmation).split() if "/alertes/confirmer?token=" in word)
    path = link.removeprefix("https://bourse.test")
    with anonymously(app):
        assert "Activer l&#39;alerte" in app.get(path).text or "Activer l'alerte" in app.get(path).text
        assert app.post(path).status_code == 200
        assert app.post(path[:-2] + "xx").status_code == 400
    create(app, "initiatives", initiative(title="Cantine des Glacis"), leader)
    assert alerts(mail_settings) == 1 and send(mail_settings) == {"sent": 1}
    alert = mailbox.to("voisine@example.org", 2)[1]
    assert "Cantine des Glacis" in titles(alert) and "Épicerie du Mont" in titles(alert)  # published after saving
    stop = alert["List-Unsubscribe"].strip("<>").removeprefix("https://bourse.test")
    with anonymously(app):
        done = app.post(stop, content=b"List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert done.status_code == 200 and "cette alerte est arrêtée" in done.text
    create(app, "initiatives", initiative(title="Ressourcerie des Forges"), leader)
    assert alerts(mail_settings) == 0


def test_bad_searches_name_the_field(app: TestClient, mail_settings: Settings) -> None:  # noqa: F811
    funder = make_person(mail_settings, "funder")
    cases = [({**SEARCH, "territory": "99999"}, "territory"), ({**SEARCH, "direction": "handover"}, "direction"),
             ({**SEARCH, "email": "x@example.org"}, "email")]
    for body, field in cases:
        assert_problem(app.post("/api/saved-searches", json=body, headers=funder.headers), 400, field)
    assert_problem(app.post("/api/saved-searches", json={**SEARCH, "frequency": "hourly"}, headers=funder.headers),
                   400, None)
    with anonymously(app):
        assert_problem(app.post("/api/saved-searches", json=SEARCH), 400, "email")
    assert app.get("/api/me/saved-searches", headers=funder.headers).json() == []


def test_offers_are_told_of_new_initiatives_that_match_them_once(app: TestClient, mail_settings: Settings,  # noqa: F811
                                                                 mailbox: Mailbox) -> None:
    leader, partner = make_person(mail_settings, "project_leader"), make_person(mail_settings, "support_member")
    mine = create(app, "support-providers", support_provider(), partner)
    create(app, "support-providers", support_provider(name="Boutique de gestion du 90",
                                                      contact={"name": "Lou", "email": "lou@bge.example.org"}), None)
    create(app, "support-providers", support_provider(name="Incubateur du Val-de-Marne", area={"departments": ["94"]}),
           partner)
    ini = create(app, "initiatives", initiative(), leader)
    assert run(jobs.initiative_alerts(mail_settings)) == {"alerts": 2, "sent": 2}
    [alert] = mailbox.to(partner.email)
    body = alert.get_body(("plain",)).get_content()
    assert alert["Subject"] == "Une nouvelle initiative correspond à « Incubateur ESS du Territoire de Belfort »"
    assert "« Épicerie solidaire des Résidences »" in body and f"https://bourse.test/initiatives/{ini['id']}" in body
    assert "Pourquoi :" in body and "couvre" in body
    assert f"https://bourse.test/accompagnement/{mine['id']}/initiatives" in body
    assert "Val-de-Marne" not in body and len(mailbox.to("lou@bge.example.org")) == 1  # no member: its contact
    assert ".new_initiative." in alert["List-Unsubscribe"]
    assert run(jobs.initiative_alerts(mail_settings)) == {"alerts": 0}  # each pair once
    app.put("/api/me/notification-preferences", json={"new_initiative": "none"}, headers=partner.headers)
    create(app, "initiatives", initiative(title="Cantine des Glacis"), leader)
    assert run(jobs.initiative_alerts(mail_settings)) == {"alerts": 1, "sent": 1}  # the contact only
    assert len(mailbox.to(partner.email)) == 1


def test_reverse_alerts_rank_with_the_stored_matching_settings(app: TestClient,  # noqa: F811
                                                               mail_settings: Settings, mailbox: Mailbox) -> None:
    """An admin's floor of 100 (back office, « réglages du matching ») holds for the alerts too."""
    admin = make_person(mail_settings, "admin")
    stored = app.put("/api/admin/matching-settings", headers=admin.headers,
                     json={"weights": dict(WEIGHTS), "floor": 100, "based_on": 0})
    assert stored.status_code == 200, stored.text
    create(app, "support-providers", support_provider(), make_person(mail_settings, "support_member"))
    create(app, "initiatives", initiative(), make_person(mail_settings, "project_leader"))
    assert run(jobs.initiative_alerts(mail_settings)) == {"alerts": 0}
    assert mailbox.messages == []
