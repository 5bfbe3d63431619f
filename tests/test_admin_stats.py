"""The dashboard's figures over HTTP, on rows made through the API: listings by state and kind, the
cooperation funnel, money by month and the coverage gaps; the page draws them as SVG."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from litestar.testing import TestClient

from market.config import Settings
from market.db import session_scope
from market.models import Pledge
from tests.admin_helpers import signed_in_as
from tests.factories import initiative, support_provider
from tests.helpers import run
from tests.people import anonymously, make_person


async def _paid_pledge(settings: Settings, initiative_id: int, cents: int, refunded: int) -> None:
    async with session_scope(settings) as session:
        session.add(Pledge(initiative_id=initiative_id, amount_cents=cents, email="don@example.org",
                           status="partially_refunded" if refunded else "succeeded", refunded_cents=refunded,
                           stripe_reference=secrets.token_hex(8), receipt_token=secrets.token_hex(16),
                           created_at=datetime(2026, 11, 3, tzinfo=UTC)))


def test_figures_as_json_and_on_the_dashboard(client: TestClient, settings: Settings) -> None:
    leader, partner = make_person(settings, "project_leader"), make_person(settings, "support_member")
    moderator = make_person(settings, "moderator")
    belfort = client.post("/api/initiatives", json=initiative(), headers=leader.headers).json()
    paris = client.post("/api/initiatives", json=initiative(title="Recyclerie du 11e", commune="75056"),
                        headers=leader.headers).json()
    client.post("/api/support-providers", json=support_provider(), headers=partner.headers)
    rejected = client.post("/api/initiatives", json=initiative(title="Refusée"), headers=leader.headers).json()
    client.post(f"/api/initiatives/{rejected['id']}/moderation", json={"action": "archive"})
    ranked = client.get(f"/api/initiatives/{belfort['id']}/matches").json()["items"]
    assert len(ranked) == 1
    pair = {"initiative_id": belfort["id"], "candidate_kind": "support_provider",
            "candidate_id": ranked[0]["candidate"]["id"], "status": "contacted"}
    moved = client.post("/api/matches", json=pair, headers=leader.headers)  # acting stores the pair
    assert moved.status_code == 201, moved.text
    run(_paid_pledge(settings, belfort["id"], 5_000, 1_000))
    run(_paid_pledge(settings, paris["id"], 2_500, 0))

    with anonymously(client):
        assert client.get("/api/admin/stats").status_code == 401
    assert client.get("/api/admin/stats", headers=leader.headers).status_code == 403
    figures = client.get("/api/admin/stats", headers=moderator.headers).json()
    assert figures["listings"]["initiative"] == {"draft": 0, "pending_review": 0, "published": 2, "rejected": 0,
                                                 "archived": 1, "merged": 0}
    assert figures["listings"]["support_provider"]["published"] == 1
    assert figures["funnel"]["total"] == {"suggested": 1, "contacted": 1, "in_discussion": 0, "partnership": 0}
    assert figures["funnel"]["by_department"] == {"90": {"suggested": 1, "contacted": 1, "in_discussion": 0,
                                                         "partnership": 0}}
    assert figures["funnel"]["by_kind"]["support_provider"]["contacted"] == 1
    assert figures["pledges_by_month"] == [{"month": "2026-11", "count": 2, "pledged_cents": 7_500,
                                            "refunded_cents": 1_000}]
    coverage = figures["coverage"]
    assert (coverage["initiatives"], coverage["uncovered"]) == (2, 1)  # Paris has no support provider
    assert coverage["departments"]["75"]["by_maturity"] == {"launch": {"initiatives": 1, "uncovered": 1}}
    assert coverage["departments"]["90"]["uncovered"] == 0 and coverage["departments"]["90"]["initiatives"] == 1

    with signed_in_as(client, moderator) as web:
        page = web.get("/admin/tableau-de-bord")
        assert page.status_code == 200 and page.text.count("<svg") == 7  # 4 kinds, funnel, money, map
        assert "Paris (75) : 1 sans accompagnement sur 1" in page.text
        assert "2026-11 : 75 €" in page.text
        one = web.get("/admin/tableau-de-bord", params={"maturite": "emergence"})
        assert "Paris (75) : 0 sans accompagnement sur 0" in one.text
        bad = web.get("/admin/tableau-de-bord", params={"maturite": "adulte"})
        assert bad.status_code == 400 and "maturité inconnue" in bad.text
