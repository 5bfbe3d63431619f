"""Refunds, full and partial, through Stripe (localstripe), recorded, never more than was paid; also
two refunds of one pledge at the same moment, in two sessions of their own."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest
import stripe
from litestar.testing import TestClient

from market.config import ROOT, Settings
from market.db import session_factory, session_scope
from market.errors import DomainError, InvalidField, InvalidTransition
from market.pledges.payments import StripeGateway
from market.pledges.refunds import refund_pledge
from tests.helpers import run, sql
from tests.stripe_fixtures import deliver, event, live_env, new_initiative, new_pledge, pay, stripe_events_of

pytest_plugins = ("tests.stripe_fixtures",)


def paid(client: TestClient, sdk: stripe.StripeClient, amount: int) -> tuple[int, int, str]:
    item = new_initiative(client)
    started = new_pledge(client, item["id"], amount_cents=amount).json()
    intent_id = started["client_secret"].split("_secret_")[0]
    pay(sdk, intent_id)
    [succeeded] = stripe_events_of(sdk, intent_id, "payment_intent.succeeded")
    assert deliver(client, succeeded).json()["outcome"] == "applied"
    return item["id"], started["pledge_id"], intent_id


def refund(settings: Settings, pledge_id: int, amount: int | None) -> Any:
    async def go() -> Any:
        gateway = StripeGateway(settings)
        try:
            async with session_scope(settings) as session:
                return await refund_pledge(session, gateway, pledge_id, amount, "test")
        finally:
            await gateway.close()

    return run(go())


def stripe_refunded(sdk: stripe.StripeClient, intent_id: str) -> list[int]:
    return [r.amount for r in sdk.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100}).data]


def pledge_state(settings: Settings, pledge_id: int) -> tuple[str, int]:
    return sql(settings.database_url, "SELECT status, refunded_cents FROM pledges WHERE id = :id", id=pledge_id)[0]


def test_partial_then_full_refund_and_over_refunds_refused(pay_client: TestClient, pay_settings, sdk):
    initiative_id, pledge_id, intent_id = paid(pay_client, sdk, 2000)
    first = refund(pay_settings, pledge_id, 500)
    assert (first.amount_cents, first.source, first.stripe_refund_id[:3]) == (500, "admin", "re_")
    assert pledge_state(pay_settings, pledge_id) == ("partially_refunded", 500)
    funding = pay_client.get(f"/api/initiatives/{initiative_id}/funding").json()
    assert (funding["raised_cents"], funding["refunded_cents"], funding["pledges_count"]) == (1500, 500, 1)

    for too_much in (1501, 10_000, 0, -5):
        with pytest.raises(InvalidField) as refused:
            refund(pay_settings, pledge_id, too_much)
        assert refused.value.field == "amount_cents" and "15,00" in refused.value.detail
    assert pledge_state(pay_settings, pledge_id) == ("partially_refunded", 500)
    assert stripe_refunded(sdk, intent_id) == [500]  # nothing more was asked of Stripe

    rest = refund(pay_settings, pledge_id, None)  # everything left
    assert rest.amount_cents == 1500
    assert pledge_state(pay_settings, pledge_id) == ("refunded", 2000)
    with pytest.raises(InvalidTransition):
        refund(pay_settings, pledge_id, 1)
    assert sorted(stripe_refunded(sdk, intent_id)) == [500, 1500]
    assert sql(pay_settings.database_url, "SELECT count(*), sum(amount_cents) FROM pledge_refunds")[0] == (2, 2000)

    # Stripe's charge.refunded for the same refunds: recorded already, counted once
    charge = sdk.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]}).to_dict()["latest_charge"]
    late = event("charge.refunded", {**charge, "payment_intent": intent_id, "amount_refunded": 2000}, "evt_refunds")
    assert deliver(pay_client, late).json()["outcome"] == "no_change"
    funding = pay_client.get(f"/api/initiatives/{initiative_id}/funding").json()
    assert (funding["raised_cents"], funding["refunded_cents"], funding["pledges_count"]) == (0, 2000, 0)


def test_refund_made_elsewhere_counts_before_the_check(pay_client: TestClient, pay_settings, sdk):
    """A refund made in Stripe's dashboard whose event has not come yet still counts: the check uses
    Stripe's total. (localstripe itself would accept refunding more than was paid.)"""
    _, pledge_id, intent_id = paid(pay_client, sdk, 1000)
    sdk.v1.refunds.create(params={"payment_intent": intent_id, "amount": 700})
    with pytest.raises(InvalidField):
        refund(pay_settings, pledge_id, 400)
    assert refund(pay_settings, pledge_id, 300).amount_cents == 300
    assert pledge_state(pay_settings, pledge_id) == ("refunded", 1000)
    assert sorted(stripe_refunded(sdk, intent_id)) == [300, 700]


def test_only_paid_pledges_are_refunded(pay_client: TestClient, pay_settings):
    started = new_pledge(pay_client, new_initiative(pay_client)["id"]).json()
    with pytest.raises(InvalidTransition):
        refund(pay_settings, started["pledge_id"], 100)
    with pytest.raises(DomainError) as missing:
        refund(pay_settings, 987_654, 100)
    assert missing.value.status_code == 404


def test_two_refunds_at_the_same_moment_never_exceed_the_payment(pay_client: TestClient, pay_settings, sdk):
    """Each in its own session and connection: the row lock (FOR UPDATE on PostgreSQL, the write
    lock on SQLite) makes the second wait for the first and then see its refund."""
    _, pledge_id, intent_id = paid(pay_client, sdk, 2000)

    async def both() -> list[Any]:
        gateway = StripeGateway(pay_settings)
        try:
            async with session_factory(pay_settings) as factory:

                async def one() -> Any:
                    async with factory() as session, session.begin():
                        return await refund_pledge(session, gateway, pledge_id, 1200, "concurrent")

                return await asyncio.gather(one(), one(), return_exceptions=True)
        finally:
            await gateway.close()

    results = run(both())
    done = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, InvalidField)]
    assert (len(done), len(refused)) == (1, 1), results
    assert stripe_refunded(sdk, intent_id) == [1200]
    assert pledge_state(pay_settings, pledge_id) == ("partially_refunded", 1200)


def test_refund_command(pay_client: TestClient, pay_settings, sdk):
    _, pledge_id, intent_id = paid(pay_client, sdk, 1500)
    command = [sys.executable, "-m", "market.cli", "refund", str(pledge_id)]
    env = live_env(pay_settings)
    ok = subprocess.run([*command, "--amount-cents", "250"], cwd=ROOT, env=env, capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "2,50" in ok.stdout and "re_" in ok.stdout
    over = subprocess.run([*command, "--amount-cents", "1251"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert over.returncode == 2 and "refusé" in over.stderr and "12,50" in over.stderr
    assert pledge_state(pay_settings, pledge_id) == ("partially_refunded", 250)
    assert stripe_refunded(sdk, intent_id) == [250]


def test_admins_refund_over_http_and_nobody_else_can(pay_client: TestClient, pay_settings, sdk):
    """POST /api/admin/pledges/{id}/refunds calls the same service as the command; admins only."""
    from tests.people import anonymously, make_person

    _, pledge_id, intent_id = paid(pay_client, sdk, 2000)
    url = f"/api/admin/pledges/{pledge_id}/refunds"
    for role in ("project_leader", "funder", "moderator"):
        refused = pay_client.post(url, json={"amount_cents": 100}, headers=make_person(pay_settings, role).headers)
        assert refused.status_code == 403, (role, refused.text)
    with anonymously(pay_client):
        assert pay_client.post(url, json={"amount_cents": 100}).status_code == 401
    assert stripe_refunded(sdk, intent_id) == []

    done = pay_client.post(url, json={"amount_cents": 700, "reason": "doublon"})  # the client is an admin
    assert done.status_code == 201, done.text
    body = done.json()
    assert (body["amount_cents"], body["pledge_status"], body["refunded_cents"]) == (700, "partially_refunded", 700)
    assert body["stripe_refund_id"].startswith("re_") and body["reason"] == "doublon"
    over = pay_client.post(url, json={"amount_cents": 5000})
    assert over.status_code == 400 and over.json()["field"] == "amount_cents"
    assert pay_client.post(url, json={"amount_cents": "5"}).json()["field"] == "amount_cents"
    rest = pay_client.post(url, json={})
    assert rest.status_code == 201 and rest.json()["pledge_status"] == "refunded"
    assert sorted(stripe_refunded(sdk, intent_id)) == [700, 1300]
    assert pay_client.post("/api/admin/pledges/999999/refunds", json={}).status_code == 404
    assert pledge_state(pay_settings, pledge_id) == ("refunded", 2000)
