"""Freshness on both databases, the clock injected: « toujours d'actualité ? » asked once, stale
without an answer (hidden from search, a visible note, ranked lower in matching with the reason),
restored by the one-click confirm
(« vérifiée le … »), archived after a second period; takeovers past their deadline and volunteer
offers with no hours left out of search at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import TestClient

from market.config import Settings
from market.db import session_factory
from market.listings import freshness as freshness_rules
from market.models import utcnow
from market.notifications import freshness
from tests.factories import initiative, support_provider, takeover, volunteer_offer
from tests.helpers import run, sql
from tests.mailbox import Mailbox
from tests.people import anonymously, make_person
from tests.test_notifications import app, create, send  # noqa: F401  (the app fixture)

DAY = timedelta(days=1)


def check(settings: Settings, at: Any) -> dict[str, int]:
    async def go() -> dict[str, int]:
        async with session_factory(settings) as factory:
            return {k: v for k, v in (await freshness.check(factory, settings, now=at)).items() if v}

    return run(go())


def listed(app: TestClient, resource: str) -> set[int]:  # noqa: F811
    return {item["id"] for item in app.get(f"/api/{resource}").json()["items"]}


def test_ask_then_stale_then_confirm_restores(app: TestClient, mail_settings: Settings,  # noqa: F811
                                              mailbox: Mailbox) -> None:
    leader = make_person(mail_settings, "project_leader")
    kept = create(app, "initiatives", initiative(title="Épicerie du Mont"), leader)
    dropped = create(app, "initiatives", initiative(title="Cantine des Glacis"), leader)
    start = utcnow()
    assert check(mail_settings, start + 30 * DAY) == {}  # recent: nothing to ask
    asked_at = start + 183 * DAY
    assert check(mail_settings, asked_at) == {"asked": 2}
    assert check(mail_settings, asked_at + DAY) == {}  # asked once
    send(mail_settings)
    questions = mailbox.to(leader.email, 2)
    mine = next(m for m in questions if "Épicerie du Mont" in m["Subject"])
    assert mine["Subject"] == "Votre annonce « Épicerie du Mont » est-elle toujours d'actualité ?"
    text = mine.get_body(("plain",)).get_content()
    link = next(w for w in text.split() if "/annonces/toujours-d-actualite?token=" in w)
    assert "Sans réponse d'ici 30 jours" in text and mine["List-Unsubscribe"]

    assert check(mail_settings, asked_at + 31 * DAY) == {"stale": 2}
    assert listed(app, "initiatives") == set()  # hidden from search
    page = app.get(f"/initiatives/{kept['id']}")
    assert "Sans nouvelles de son auteur depuis le" in page.text
    assert app.get(f"/api/initiatives/{kept['id']}").json()["stale_since"] is not None

    path = link.removeprefix("https://bourse.test")
    with anonymously(app):
        assert "Oui, elle est d" in app.get(path).text
        assert app.post(path).status_code == 200
        assert app.post(path[:-2] + "xx").status_code == 400
    assert listed(app, "initiatives") == {kept["id"]}  # back in search
    shown = app.get(f"/api/initiatives/{kept['id']}").json()
    assert shown["stale_since"] is None and shown["verified_at"] is not None
    assert "Vérifiée le" in app.get(f"/initiatives/{kept['id']}").text

    check(mail_settings, asked_at + 92 * DAY)  # 61 days after being marked stale
    assert app.get(f"/api/initiatives/{dropped['id']}").json()["status"] == "archived"
    assert app.get(f"/api/initiatives/{kept['id']}").json()["status"] == "published"
    [(action, role)] = sql(mail_settings.database_url, "SELECT action, actor_role FROM moderation_actions "
                           "WHERE listing_id = :id AND to_status = 'archived'", id=dropped["id"])
    assert (action, role) == ("archive", "system")


def test_an_edit_after_the_question_is_an_answer(app: TestClient, mail_settings: Settings) -> None:  # noqa: F811
    leader = make_person(mail_settings, "project_leader")
    item = create(app, "initiatives", initiative(), leader)
    start = utcnow()
    assert check(mail_settings, start + 183 * DAY) == {"asked": 1}
    sql(mail_settings.database_url, "UPDATE initiatives SET updated_at = :at", at=start + 190 * DAY)  # edited then
    assert check(mail_settings, start + 215 * DAY) == {}
    assert item["id"] in listed(app, "initiatives")


def test_takeovers_past_deadline_and_offers_without_hours_leave_search(app: TestClient,  # noqa: F811
                                                                        mail_settings: Settings) -> None:
    business = make_person(mail_settings, "business_member")
    offer = create(app, "takeover-opportunities", takeover(), business)
    volunteering = create(app, "volunteer-offers", volunteer_offer(), business)
    assert offer["id"] in listed(app, "takeover-opportunities")
    assert volunteering["id"] in listed(app, "volunteer-offers")
    sql(mail_settings.database_url, "UPDATE takeover_opportunities SET deadline = :d", d=(utcnow() - DAY).date())
    sql(mail_settings.database_url, "UPDATE volunteer_offers SET hours = 0")
    assert listed(app, "takeover-opportunities") == set() and listed(app, "volunteer-offers") == set()


def test_a_stale_candidate_is_ranked_lower_with_the_reason(app: TestClient, mail_settings: Settings) -> None:  # noqa: F811
    leader, partner = make_person(mail_settings, "project_leader"), make_person(mail_settings, "support_member")
    ini = create(app, "initiatives", initiative(), leader)
    provider = create(app, "support-providers", support_provider(), partner)

    def item() -> dict[str, Any]:
        page = app.get(f"/api/initiatives/{ini['id']}/matches", params={"kind": "support_provider"}).json()
        return next(i for i in page["items"] if i["candidate"]["id"] == provider["id"])

    before = item()
    sql(mail_settings.database_url, "UPDATE support_providers SET stale_at = :at", at=utcnow())
    after = item()
    assert after["score"] == max(0, before["score"] - freshness_rules.STALE_PENALTY)
    assert any("sans nouvelles de son auteur" in r for r in after["reasons"])
    reverse = app.get(f"/api/support-providers/{provider['id']}/matches").json()["items"]
    assert [i["score"] for i in reverse] == [before["score"]]  # the initiative is not stale


def test_the_pair_views_say_the_same_stale_score(app: TestClient, mail_settings: Settings) -> None:  # noqa: F811
    leader, partner = make_person(mail_settings, "project_leader"), make_person(mail_settings, "support_member")
    ini = create(app, "initiatives", initiative(), leader)
    provider = create(app, "support-providers", support_provider(), partner)
    explain = f"/api/initiatives/{ini['id']}/matches/explain"
    params = {"candidate_kind": "support_provider", "candidate_id": provider["id"]}
    before = app.get(explain, params=params, headers=leader.headers).json()
    sql(mail_settings.database_url, "UPDATE support_providers SET stale_at = :at", at=utcnow())
    after = app.get(explain, params=params, headers=leader.headers).json()
    assert after["score"] == max(0, before["score"] - freshness_rules.STALE_PENALTY)
    assert any("sans nouvelles de son auteur" in r for r in after["reasons"])
    listed = app.get(f"/api/initiatives/{ini['id']}/matches", params={"kind": "support_provider"}).json()
    assert [i["score"] for i in listed["items"] if i["candidate"]["id"] == provider["id"]] == [after["score"]]
