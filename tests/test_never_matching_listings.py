"""A listing that can never match is refused, with a French reason naming the field, on creation and
on update, and nothing is stored: a takeover whose deadline has passed, a volunteer offer of 0 hours,
a support provider that offers nothing (the engine would never rank them)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from market.config import Settings
from tests.factories import support_provider, takeover, volunteer_offer
from tests.helpers import assert_problem, sql
from tests.people import make_person

CASES = [
    ("takeover-opportunities", "takeover_opportunities", takeover, {"deadline": "2020-01-31"}, "deadline",
     "date limite du 31/01/2020 est passée"),
    ("volunteer-offers", "volunteer_offers", volunteer_offer, {"hours": 0}, "hours", "0 heure"),
    ("support-providers", "support_providers", support_provider, {"offers": []}, "offers", "n'offre rien"),
]


@pytest.mark.parametrize(("resource", "table", "factory", "bad", "field", "reason"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_listing_that_can_never_match_is_refused(client: TestClient, settings: Settings, resource: str,
                                                   table: str, factory: Any, bad: dict[str, Any], field: str,
                                                   reason: str) -> None:
    member = make_person(settings, "support_member", organisations={"support_member": None,
                                                                     "business_member": None})
    body = assert_problem(client.post(f"/api/{resource}", json=factory(**bad), headers=member.headers), 400, field)
    assert reason in body["detail"] and "aucune initiative" in body["detail"]
    assert sql(settings.database_url, f"SELECT count(*) FROM {table}") == [(0,)]

    created = client.post(f"/api/{resource}", json=factory(), headers=member.headers)
    assert created.status_code == 201, created.text
    url = f"/api/{resource}/{created.json()['id']}"
    assert_problem(client.patch(url, json=bad, headers=member.headers), 400, field)
    assert client.get(url).json() == created.json()
