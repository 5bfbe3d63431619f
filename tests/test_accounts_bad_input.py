"""Bad input on the accounts, organisations, tokens, moderation and admin routes: a 4xx problem
naming the field, never a 500, and nothing stored."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from market.config import Settings
from tests.factories import initiative
from tests.helpers import assert_problem, sql
from tests.people import make_person

CASES = [
    ("POST", "/api/organisations", {"name": "X", "kind": "business", "role": "funder"}, "name"),
    ("POST", "/api/organisations", {"name": "Une asso", "kind": "cult", "role": "funder"}, "kind"),
    ("POST", "/api/organisations", {"name": "Une asso", "kind": "business", "role": "admin"}, "role"),
    ("POST", "/api/organisations", {"name": "Une asso", "kind": "business", "role": "funder", "siren": "123"}, "siren"),
    ("POST", "/api/organisations", {"name": "Une asso", "kind": "business", "role": "funder",
                                    "siren": "732829321"}, "siren"),
    ("POST", "/api/organisations", {"name": "Une asso", "kind": "business"}, "role"),
    # an address without an account is no longer an error (issue 11: invitations, no enumeration); a role
    # that does not fit the organisation's kind is
    ("POST", "/api/organisations/{org}/members", {"email": "nobody@example.org", "role": "business_member"}, "role"),
    ("POST", "/api/organisations", {"name": "Une entreprise", "kind": "business", "role": "project_leader"}, "role"),
    ("POST", "/api/organisations/{org}/members", {"email": "not-an-email", "role": "funder"}, "email"),
    ("POST", "/api/organisations/{org}/members", {"email": "a@b.fr", "role": "owner"}, "role"),
    ("POST", "/api/organisations/abc/members", {"email": "a@b.fr", "role": "funder"}, "id"),
    ("POST", "/api/me/tokens", {}, "name"),
    ("POST", "/api/me/tokens", {"name": "x", "expires_in_days": 0}, "expires_in_days"),
    ("POST", "/api/me/tokens", {"name": "x", "expires_in_days": "30"}, "expires_in_days"),
    ("POST", "/api/me/tokens", {"name": "x" * 101}, "name"),
    ("DELETE", "/api/me/tokens/zz", None, "id"),
    ("POST", "/api/initiatives/{ini}/moderation", {"action": "publish", "merge_into": 0}, "merge_into"),
    ("POST", "/api/initiatives/{ini}/moderation", {"action": "reject", "reason": "no"}, "reason"),
    ("POST", "/api/initiatives/{ini}/moderation", {"action": "merge", "merge_into": 999999}, "merge_into"),
    ("POST", "/api/initiatives/{ini}/moderation", {"action": "publish", "why": "x"}, "why"),
    ("POST", "/api/initiatives/abc/moderation", {"action": "publish"}, "id"),
    ("PUT", "/api/admin/accounts/{me}/platform-role", {"platform_role": "king"}, "platform_role"),
    ("PUT", "/api/admin/accounts/{me}/platform-role", {}, "platform_role"),
    ("POST", "/api/admin/pledges/1/refunds", {"amount_cents": 0}, "amount_cents"),
    ("POST", "/api/admin/pledges/1/refunds", {"amount_cents": "5"}, "amount_cents"),
    ("POST", "/api/initiatives", {**initiative(), "organisation_id": 0}, "organisation_id"),
    ("POST", "/api/initiatives", {**initiative(), "organisation_id": 999999}, "organisation_id"),
    ("GET", "/api/moderation/actions?page_size=1000", None, "page_size"),
    ("GET", "/api/moderation/queue?kind=nope", None, "kind"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), CASES)
def test_bad_bodies_name_the_field(client: TestClient, settings: Settings, admin, method: str, path: str,
                                   body: dict | None, field: str) -> None:
    leader = make_person(settings, "project_leader")
    ini = client.post("/api/initiatives", json=initiative()).json()
    url = path.format(org=leader.organisation_id, ini=ini["id"], me=admin.account_id)
    before = [sql(settings.database_url, f"SELECT count(*) FROM {t}")[0][0]
              for t in ("organisations", "memberships", "api_tokens", "moderation_actions", "initiatives")]
    headers = leader.headers if "/members" in path else None
    response = client.request(method, url, json=body, headers=headers)
    assert_problem(response, 400, field, with_extra=False)
    after = [sql(settings.database_url, f"SELECT count(*) FROM {t}")[0][0]
             for t in ("organisations", "memberships", "api_tokens", "moderation_actions", "initiatives")]
    assert after == before
