"""Stripe webhooks: signatures checked, each event applied once (also 20 at a time on two workers),
and late events never move a settled pledge back."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
import stripe
from litestar.testing import TestClient

from market.db import session_factory
from market.pledges import webhooks as stripe_events
from tests.factories import initiative
from tests.helpers import run, sql
from tests.people import anonymously
from tests.stripe_fixtures import (
    WEBHOOK_SECRET,
    Mailbox,
    deliver,
    event,
    new_initiative,
    new_pledge,
    pay,
    signed,
    stripe_events_of,
)

pytest_plugins = ("tests.stripe_fixtures",)


def paid_pledge(client: TestClient | httpx.Client, sdk: stripe.StripeClient, amount: int = 1500,
                **overrides: Any) -> tuple[int, int, dict[str, Any]]:
    """(initiative id, pledge id, localstripe's own payment_intent.succeeded event), nothing delivered."""
    created = client.post("/api/initiatives", json=initiative(**overrides))
    assert created.status_code == 201, created.text
    item = created.json()
    with anonymously(client):  # funders need no account
        started = client.post(f"/api/initiatives/{item['id']}/pledges",
                              json={"amount_cents": amount, "email": "funder@example.org", "anonymous": False}).json()
    intent_id = started["client_secret"].split("_secret_")[0]
    assert pay(sdk, intent_id).status == "succeeded"
    [succeeded] = stripe_events_of(sdk, intent_id, "payment_intent.succeeded")
    return item["id"], started["pledge_id"], succeeded


def status(client: TestClient | httpx.Client, pledge_id: int, database_url: str | None = None) -> dict[str, Any]:
    """The pledge's state; an anonymous client (a live server's) reads it with its receipt token."""
    params = {}
    if database_url is not None:
        params["token"] = sql(database_url, "SELECT receipt_token FROM pledges WHERE id = :i", i=pledge_id)[0][0]
    return client.get(f"/api/pledges/{pledge_id}", params=params).json()


def raised(client: TestClient | httpx.Client, initiative_id: int) -> int:
    return client.get(f"/api/initiatives/{initiative_id}/funding").json()["raised_cents"]


def events_stored(database_url: str) -> int:
    return sql(database_url, "SELECT count(*) FROM stripe_events")[0][0]


# --- signatures ----------------------------------------------------------------------------


def test_forged_unsigned_and_stale_signatures_are_refused(pay_client: TestClient, pay_settings, sdk):
    initiative_id, pledge_id, succeeded = paid_pledge(pay_client, sdk)
    payload = json.dumps(succeeded).encode()
    other = json.dumps({**succeeded, "id": "evt_other"}).encode()
    now = int(time.time())
    attempts = {
        "unsigned": {"Content-Type": "application/json"},
        "empty header": {"Stripe-Signature": ""},
        "garbage header": {"Stripe-Signature": "nonsense"},
        "wrong secret": signed(payload, secret="whsec_forged"),
        "signature of another body": signed(other),
        "stale": signed(payload, timestamp=now - pay_settings.stripe_webhook_tolerance - 5),
    }
    for name, headers in attempts.items():
        response = pay_client.post("/api/stripe/webhook", content=payload, headers=headers)
        assert response.status_code == 400, (name, response.text)
        assert response.json()["field"] == "Stripe-Signature", name
    signed_junk = b'{"no": "id"}'
    assert pay_client.post("/api/stripe/webhook", content=signed_junk, headers=signed(signed_junk)).status_code == 400
    signed_bad_json = b"{not json"
    response = pay_client.post("/api/stripe/webhook", content=signed_bad_json, headers=signed(signed_bad_json))
    assert response.status_code == 400
    assert status(pay_client, pledge_id)["status"] == "pending"
    assert raised(pay_client, initiative_id) == 0
    assert events_stored(pay_settings.database_url) == 0
    # the same bytes, rightly signed and on time, are taken
    assert pay_client.post("/api/stripe/webhook", content=payload, headers=signed(payload)).status_code == 200
    assert status(pay_client, pledge_id)["status"] == "succeeded"


def test_signed_but_malformed_events_are_refused_logged_and_leave_nothing(pay_client: TestClient, pay_settings,
                                                                          sdk, caplog: pytest.LogCaptureFixture):
    initiative_id, pledge_id, succeeded = paid_pledge(pay_client, sdk)
    intent = succeeded["data"]["object"]
    malformed = {
        "an array": [succeeded],
        "a string": "evt_1",
        "a number id": {**succeeded, "id": 12},
        "no data.object": {**succeeded, "data": {"object": [intent]}},
        "a string amount": {**succeeded, "id": "evt_amount", "data": {"object": {**intent, "amount": "quinze"}}},
        "an object without id": {**succeeded, "id": "evt_no_id",
                                 "data": {"object": {k: v for k, v in intent.items() if k != "id"}}},
        "metadata as a list": {**succeeded, "id": "evt_metadata", "data": {"object": {**intent, "metadata": ["x"]}}},
    }
    caplog.set_level("WARNING", logger="bourse.pledges")
    for name, body in malformed.items():  # each a 500 before, that Stripe would retry for three days
        payload = json.dumps(body).encode()
        response = pay_client.post("/api/stripe/webhook", content=payload, headers=signed(payload))
        assert response.status_code == 400, (name, response.text)
        assert response.json()["field"] == "body" and "mal formé" in response.json()["detail"], name
    assert sum("malformed" in r.getMessage() or "refused" in r.getMessage() for r in caplog.records) == len(malformed)
    assert events_stored(pay_settings.database_url) == 0
    assert status(pay_client, pledge_id)["status"] == "pending" and raised(pay_client, initiative_id) == 0
    assert deliver(pay_client, succeeded).status_code == 200  # the real one still applies
    assert status(pay_client, pledge_id)["status"] == "succeeded"


# --- each event once -----------------------------------------------------------------------


def test_same_event_twice_in_a_row_changes_once(pay_client: TestClient, pay_settings, sdk, mailbox: Mailbox):
    initiative_id, pledge_id, succeeded = paid_pledge(pay_client, sdk)
    assert deliver(pay_client, succeeded).json()["outcome"] == "applied"
    assert deliver(pay_client, succeeded).json()["outcome"] == "duplicate"
    assert raised(pay_client, initiative_id) == 1500
    assert len(mailbox.wait(1)) == 1
    time.sleep(0.3)
    assert len(mailbox.messages) == 1
    assert events_stored(pay_settings.database_url) == 1


def test_same_event_100_times_20_at_a_time_on_two_workers(live_servers: list[str], pay_settings, sdk,
                                                          mailbox: Mailbox, live_admin: dict[str, str]):
    with httpx.Client(base_url=live_servers[0], timeout=30, headers=live_admin) as client:
        initiative_id, pledge_id, succeeded = paid_pledge(client, sdk, amount=4200)
    payload = json.dumps(succeeded).encode()
    outcomes: list[str] = []
    in_flight, most_in_flight, totals = 0, 0, []

    async def one(http: httpx.AsyncClient, url: str) -> None:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        try:  # signed per delivery, as Stripe does on each retry
            response = await http.post(f"{url}/api/stripe/webhook", content=payload, headers=signed(payload))
        finally:
            in_flight -= 1
        assert response.status_code == 200, response.text
        outcomes.append(response.json()["outcome"])

    async def deliver_all() -> None:
        limits = httpx.Limits(max_connections=40, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            for batch in range(5):  # 5 x 20 = 100 deliveries, 20 at the same moment, spread on both workers
                await asyncio.gather(*(one(http, live_servers[i % 2]) for i in range(20)))
                funding = await http.get(f"{live_servers[batch % 2]}/api/initiatives/{initiative_id}/funding")
                totals.append(funding.json()["raised_cents"])

    run(deliver_all())
    assert len(outcomes) == 100
    assert outcomes.count("applied") == 1, outcomes
    assert outcomes.count("duplicate") == 99
    assert most_in_flight == 20  # the deliveries of a batch were all open at once
    assert totals == [4200] * 5  # counted once, and unchanged after the first
    assert sql(pay_settings.database_url, "SELECT count(*), min(outcome) FROM stripe_events")[0] == (1, "applied")
    with httpx.Client(base_url=live_servers[1]) as client:
        assert status(client, pledge_id, pay_settings.database_url)["status"] == "succeeded"
    assert len(mailbox.wait(1)) == 1
    time.sleep(0.5)
    assert len(mailbox.messages) == 1  # one receipt


def test_second_session_waits_for_the_first_claim_then_applies_nothing(pay_client: TestClient, pay_settings, sdk):
    """The mechanism itself, in two sessions with connections of their own: while the first delivery's
    transaction is open, the second blocks on the event's key (PostgreSQL: the uncommitted unique
    row; SQLite: the write lock), then inserts nothing once the first commits."""
    _, pledge_id, succeeded = paid_pledge(pay_client, sdk)

    async def go() -> tuple[str, str, bool]:
        async with session_factory(pay_settings) as factory:

            async def second_delivery() -> str:
                async with factory() as session, session.begin():
                    return (await stripe_events.handle(session, succeeded)).outcome

            async with factory() as first:
                await first.begin()
                outcome = (await stripe_events.handle(first, succeeded)).outcome
                second = asyncio.create_task(second_delivery())
                await asyncio.sleep(1.0)
                waited = not second.done()
                await first.commit()
            return outcome, await asyncio.wait_for(second, 30), waited

    first_outcome, second_outcome, waited = run(go())
    assert (first_outcome, second_outcome, waited) == ("applied", "duplicate", True)
    assert status(pay_client, pledge_id)["status"] == "succeeded"


# --- out of order ---------------------------------------------------------------------------


def _intent(succeeded: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**succeeded["data"]["object"], **changes}


def _charge(sdk: stripe.StripeClient, succeeded: dict[str, Any], amount_refunded: int) -> dict[str, Any]:
    """The real charge from localstripe, as a charge.refunded event would carry it."""
    intent = sdk.v1.payment_intents.retrieve(succeeded["data"]["object"]["id"], params={"expand": ["latest_charge"]})
    charge = intent.to_dict()["latest_charge"]
    return {**charge, "payment_intent": intent.id, "amount_refunded": amount_refunded,
            "refunded": amount_refunded >= charge["amount"], "refunds": {"object": "list", "data": []}}


def test_late_failure_and_cancel_never_downgrade_a_succeeded_pledge(pay_client: TestClient, sdk):
    initiative_id, pledge_id, succeeded = paid_pledge(pay_client, sdk)
    failed = event("payment_intent.payment_failed", _intent(
        succeeded, status="requires_payment_method", last_payment_error={"code": "card_declined"}),
        "evt_late_failed", created=succeeded["created"] - 30)
    canceled = event("payment_intent.canceled", _intent(succeeded, status="canceled"), "evt_late_canceled")
    assert deliver(pay_client, succeeded).json()["outcome"] == "applied"
    assert deliver(pay_client, failed).json()["outcome"] == "no_change"
    assert deliver(pay_client, canceled).json()["outcome"] == "no_change"
    assert status(pay_client, pledge_id)["status"] == "succeeded"
    assert raised(pay_client, initiative_id) == 1500


def test_refund_events_only_ever_raise_the_refunded_total(pay_client: TestClient, sdk):
    initiative_id, pledge_id, succeeded = paid_pledge(pay_client, sdk, amount=2000)
    deliver(pay_client, succeeded)
    newer = event("charge.refunded", _charge(sdk, succeeded, 800), "evt_refund_800")
    older = event("charge.refunded", _charge(sdk, succeeded, 300), "evt_refund_300", created=succeeded["created"])
    assert deliver(pay_client, newer).json()["outcome"] == "applied"
    assert deliver(pay_client, older).json()["outcome"] == "no_change"
    resent = {**succeeded, "id": "evt_succeeded_again"}  # another event for the same payment
    assert deliver(pay_client, resent).json()["outcome"] == "no_change"
    state = status(pay_client, pledge_id)
    assert (state["status"], state["refunded_cents"]) == ("partially_refunded", 800)
    assert raised(pay_client, initiative_id) == 1200


def test_refund_before_success_settles_and_success_does_not_undo_it(pay_client: TestClient, sdk):
    initiative_id, pledge_id, succeeded = paid_pledge(pay_client, sdk, amount=1000)
    assert deliver(pay_client, event("charge.refunded", _charge(sdk, succeeded, 1000), "evt_full")).status_code == 200
    assert deliver(pay_client, succeeded).json()["outcome"] == "no_change"
    state = status(pay_client, pledge_id)
    assert (state["status"], state["refunded_cents"]) == ("refunded", 1000)
    funding = pay_client.get(f"/api/initiatives/{initiative_id}/funding").json()
    assert (funding["raised_cents"], funding["pledges_count"], funding["refunded_cents"]) == (0, 0, 1000)


def test_failure_then_success_on_a_second_card_settles(pay_client: TestClient, sdk):
    item = new_initiative(pay_client)
    started = new_pledge(pay_client, item["id"]).json()
    intent_id = started["client_secret"].split("_secret_")[0]
    assert pay(sdk, intent_id, "pm_card_chargeCustomerFail").status == "requires_payment_method"
    [failed] = stripe_events_of(sdk, intent_id, "payment_intent.payment_failed")
    assert deliver(pay_client, failed).json()["outcome"] == "applied"
    assert status(pay_client, started["pledge_id"])["status"] == "failed"
    succeeded = event("payment_intent.succeeded", _intent(failed, status="succeeded", last_payment_error=None),
                      "evt_second_card")
    assert deliver(pay_client, succeeded).json()["outcome"] == "applied"
    assert status(pay_client, started["pledge_id"])["status"] == "succeeded"


def test_dispute_takes_the_pledge_out_of_the_total_once(pay_client: TestClient, sdk):
    initiative_id, pledge_id, succeeded = paid_pledge(pay_client, sdk)
    deliver(pay_client, succeeded)
    charge = _charge(sdk, succeeded, 0)
    dispute = {"id": "dp_1", "object": "dispute", "amount": 1500, "charge": charge["id"],
               "payment_intent": succeeded["data"]["object"]["id"], "status": "needs_response"}
    assert deliver(pay_client, event("charge.dispute.created", dispute, "evt_dispute")).json()["outcome"] == "applied"
    again = event("charge.dispute.created", dispute, "evt_dispute_2")
    assert deliver(pay_client, again).json()["outcome"] == "no_change"
    assert status(pay_client, pledge_id)["disputed"] is True
    assert raised(pay_client, initiative_id) == 0


def test_events_of_other_payments_are_acknowledged_and_ignored(pay_client: TestClient, pay_settings):
    stranger = event("payment_intent.succeeded", {"id": "pi_unknown", "object": "payment_intent", "amount": 500,
                                                  "currency": "eur", "status": "succeeded", "metadata": {}},
                     "evt_stranger")
    assert deliver(pay_client, stranger).json()["outcome"] == "unknown_pledge"
    ours = new_pledge(pay_client, new_initiative(pay_client)["id"]).json()
    other_database = event("payment_intent.succeeded", {  # same pledge id, made by another database
        "id": "pi_elsewhere", "object": "payment_intent", "amount": 1500, "currency": "eur", "status": "succeeded",
        "metadata": {"pledge_id": str(ours["pledge_id"]), "pledge_ref": "0123456789abcdef"}}, "evt_other_database")
    assert deliver(pay_client, other_database).json()["outcome"] == "unknown_pledge"
    assert status(pay_client, ours["pledge_id"])["status"] == "pending"
    other_type = event("customer.created", {"id": "cus_1", "object": "customer"}, "evt_customer")
    assert deliver(pay_client, other_type).json()["outcome"] == "ignored"
    assert events_stored(pay_settings.database_url) == 3


@pytest.mark.parametrize("secret", [WEBHOOK_SECRET])
def test_localstripe_signed_delivery_reaches_the_app(secret: str, live_servers: list[str], pay_settings, sdk,
                                                     localstripe: str, live_admin: dict[str, str]):
    """localstripe can sign and post its own events (what `make stripe-dev` sets up)."""
    hook = httpx.post(f"{localstripe}/_config/webhooks/tests",
                      data={"url": f"{live_servers[0]}/api/stripe/webhook", "secret": secret})
    assert hook.status_code == 200
    try:
        with httpx.Client(base_url=live_servers[1], timeout=30, headers=live_admin) as client:
            _, pledge_id, _ = paid_pledge(client, sdk, amount=700)
            deadline = time.monotonic() + 15
            while status(client, pledge_id)["status"] == "pending" and time.monotonic() < deadline:
                time.sleep(0.2)
            assert status(client, pledge_id)["status"] == "succeeded"
    finally:  # localstripe cannot forget a webhook: point it at a closed port
        httpx.post(f"{localstripe}/_config/webhooks/tests", data={"url": "http://127.0.0.1:9/", "secret": secret})
