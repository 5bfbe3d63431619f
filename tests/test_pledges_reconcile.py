"""Stripe unreachable at pledge time: the pledge stays pending with a clear answer, can be prepared
again, and `python -m market.cli reconcile` settles it later; running it twice changes nothing more."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

import stripe
from litestar.testing import TestClient

from market.cli import run_reconcile
from market.config import ROOT, Settings
from tests.helpers import run, sql
from tests.stripe_fixtures import Mailbox, live_env, new_initiative, new_pledge, pay

pytest_plugins = ("tests.stripe_fixtures",)


def reconcile_now(settings: Settings) -> Counter[str]:
    return run(run_reconcile(settings, progress=False))


def offline_pledge(offline_client: TestClient, **overrides: Any) -> dict[str, Any]:
    item = new_initiative(offline_client)
    response = new_pledge(offline_client, item["id"], **overrides)
    assert response.status_code == 202, response.text
    return response.json()


def state(client: TestClient, pledge_id: int) -> str:
    return client.get(f"/api/pledges/{pledge_id}").json()["status"]


def token(started: dict[str, Any]) -> str:
    return started["receipt_url"].rsplit("/", 1)[1]  # /receipts/{token}


def test_unreachable_stripe_keeps_the_pledge_and_says_so(offline_client: TestClient, pay_settings):
    started = offline_pledge(offline_client)
    assert started["client_secret"] is None and started["status"] == "pending"
    assert "ne répond pas" in started["detail"] and f"n° {started['pledge_id']}" in started["detail"]
    assert started["retry_url"] == f"/api/pledges/{started['pledge_id']}/payment"
    assert state(offline_client, started["pledge_id"]) == "pending"  # committed, not rolled back
    assert sql(pay_settings.database_url, "SELECT status, payment_intent_id FROM pledges") == [("pending", None)]
    again = offline_client.post(started["retry_url"], json={"token": token(started)})
    assert again.status_code == 202 and again.json()["pledge_id"] == started["pledge_id"]
    assert sql(pay_settings.database_url, "SELECT count(*) FROM pledges")[0][0] == 1


def test_retry_then_payment_without_webhook_is_settled_by_reconcile(offline_client: TestClient, pay_client,
                                                                    pay_settings, sdk, mailbox: Mailbox):
    started = offline_pledge(offline_client, amount_cents=2500)
    wrong = pay_client.post(started["retry_url"], json={"token": "x" * 32})
    assert wrong.status_code == 404
    retried = pay_client.post(started["retry_url"], json={"token": token(started)})
    assert retried.status_code == 201, retried.text
    intent_id = retried.json()["client_secret"].split("_secret_")[0]
    assert pay(sdk, intent_id).status == "succeeded"  # ...and the webhook never comes

    cli = subprocess.run([sys.executable, "-m", "market.cli", "reconcile"], cwd=ROOT, env=live_env(pay_settings),
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert "Promesses en attente" in cli.stderr  # the tqdm progress bar
    assert "succeeded: 1" in cli.stdout and "receipts_sent: 1" in cli.stdout
    assert state(pay_client, started["pledge_id"]) == "succeeded"
    initiative_id = sql(pay_settings.database_url, "SELECT initiative_id FROM pledges")[0][0]
    assert pay_client.get(f"/api/initiatives/{initiative_id}/funding").json()["raised_cents"] == 2500
    assert len(mailbox.wait(1)) == 1

    second = reconcile_now(pay_settings)
    assert sum(second.values()) == 0, second  # nothing pending, no receipt left to send
    assert state(pay_client, started["pledge_id"]) == "succeeded"
    assert len(mailbox.messages) == 1


def test_intent_made_but_answer_lost_is_found_by_metadata(offline_client: TestClient, pay_client, pay_settings,
                                                          sdk: stripe.StripeClient):
    """Stripe made the intent but its answer never came back: no id stored; reconcile finds it by
    the pledge id in its metadata, and a retry reuses it instead of making a second one."""
    lost_paid = offline_pledge(offline_client, amount_cents=1200)
    lost_open = offline_pledge(offline_client, amount_cents=900)
    references = dict(sql(pay_settings.database_url, "SELECT id, stripe_reference FROM pledges"))
    for started, confirm in ((lost_paid, True), (lost_open, False)):
        metadata = {"pledge_id": str(started["pledge_id"]), "pledge_ref": references[started["pledge_id"]]}
        params: dict[str, Any] = {"amount": started["amount_cents"], "currency": "eur", "metadata": metadata}
        if confirm:
            params.update(payment_method="pm_card_visa", confirm=True)
        sdk.v1.payment_intents.create(params=params)

    retried = pay_client.post(lost_open["retry_url"], json={"token": token(lost_open)})
    assert retried.status_code == 201
    intents = [i for i in sdk.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
               if i.to_dict()["metadata"].get("pledge_ref") == references[lost_open["pledge_id"]]]
    assert len(intents) == 1 and retried.json()["client_secret"] == intents[0].client_secret

    outcomes = reconcile_now(pay_settings)
    assert outcomes["succeeded"] == 1 and outcomes["waiting"] == 1
    assert state(pay_client, lost_paid["pledge_id"]) == "succeeded"
    assert state(pay_client, lost_open["pledge_id"]) == "pending"
    stored = sql(pay_settings.database_url, "SELECT payment_intent_id FROM pledges WHERE id = :id",
                 id=lost_paid["pledge_id"])[0][0]
    assert stored and stored.startswith("pi_")


def test_pledges_never_prepared_are_abandoned_after_the_window(offline_client: TestClient, pay_settings):
    old = offline_pledge(offline_client)
    young = offline_pledge(offline_client)
    sql(pay_settings.database_url, "UPDATE pledges SET created_at = :at WHERE id = :id",
        at="2020-01-01 00:00:00.000000" if pay_settings.is_sqlite else _aware("2020-01-01T00:00:00+00:00"),
        id=old["pledge_id"])
    first = reconcile_now(pay_settings)
    assert (first["abandoned"], first["waiting"]) == (1, 1)
    assert sql(pay_settings.database_url, "SELECT status, failure_reason FROM pledges WHERE id = :id",
               id=old["pledge_id"]) == [("failed", "abandoned")]
    assert state(offline_client, young["pledge_id"]) == "pending"
    second = reconcile_now(pay_settings)
    assert (second["abandoned"], second["waiting"]) == (0, 1)


def _aware(text: str) -> Any:
    return datetime.fromisoformat(text)


def test_declined_payment_without_webhook_is_failed_by_reconcile(pay_client: TestClient, pay_settings, sdk):
    item = new_initiative(pay_client)
    started = new_pledge(pay_client, item["id"]).json()
    pay(sdk, started["client_secret"].split("_secret_")[0], "pm_card_chargeCustomerFail")
    assert reconcile_now(pay_settings)["failed"] == 1
    assert state(pay_client, started["pledge_id"]) == "failed"


def test_reconcile_while_stripe_is_unreachable_leaves_pledges_pending(offline_client: TestClient, pay_settings,
                                                                      dead_stripe: str):
    started = offline_pledge(offline_client)
    sql(pay_settings.database_url, "UPDATE pledges SET payment_intent_id = 'pi_somewhere'")
    offline = replace(pay_settings, stripe_api_base=dead_stripe)
    assert reconcile_now(offline)["stripe_unavailable"] == 1
    assert state(offline_client, started["pledge_id"]) == "pending"
    cli = subprocess.run([sys.executable, "-m", "market.cli", "reconcile", "--no-progress"], cwd=ROOT,
                         env=live_env(offline), capture_output=True, text=True, timeout=120)
    assert cli.returncode == 1 and "stripe_unavailable: 1" in cli.stdout
