"""Pledges in the back office, against localstripe: the list and its filters, a refund from the page
(admins only, never more than was paid) and what the last reconciliation did."""

from __future__ import annotations

import stripe
from litestar.testing import TestClient

from market.cli import run_reconcile
from market.config import Settings
from tests.admin_helpers import post_form, signed_in_as
from tests.helpers import run, sql
from tests.people import make_person
from tests.stripe_fixtures import deliver, new_initiative, new_pledge, pay, stripe_events_of

pytest_plugins = ("tests.stripe_fixtures",)


def test_list_filter_refund_and_last_reconciliation(pay_client: TestClient, pay_settings: Settings,
                                                    sdk: stripe.StripeClient) -> None:
    item = new_initiative(pay_client)
    started = new_pledge(pay_client, item["id"], amount_cents=2000).json()
    new_pledge(pay_client, item["id"], amount_cents=700)  # left pending
    intent_id = started["client_secret"].split("_secret_")[0]
    pay(sdk, intent_id)
    [succeeded] = stripe_events_of(sdk, intent_id, "payment_intent.succeeded")
    assert deliver(pay_client, succeeded).json()["outcome"] == "applied"
    admin, moderator = make_person(pay_settings, "admin"), make_person(pay_settings, "moderator")

    with signed_in_as(pay_client, moderator) as web:
        listed = web.get("/admin/dons").text
        assert "2 dons" in listed and "Aucune réconciliation enregistrée" in listed
        assert "Rembourser" not in listed  # moderators see, admins refund
        paid = web.get("/admin/dons", params={"status": "succeeded", "initiative": str(item["id"])}).text
        assert "1 don<" in paid and "20.00 €" in paid
        assert "0 dons" in web.get("/admin/dons", params={"until": "2020-01-01"}).text
        bad = web.get("/admin/dons", params={"status": "lost", "since": "hier"})
        assert bad.status_code == 400 and "état inconnu" in bad.text and "date attendue" in bad.text
        refused = post_form(web, f"/admin/dons/{started['pledge_id']}/remboursement", amount_euros="5")
        assert refused.status_code == 403
    with signed_in_as(pay_client, admin) as web:
        too_much = post_form(web, f"/admin/dons/{started['pledge_id']}/remboursement", amount_euros="25")
        assert too_much.status_code == 400 and "refusé" in too_much.text
        bad = post_form(web, f"/admin/dons/{started['pledge_id']}/remboursement", amount_euros="cinq")
        assert bad.status_code == 400 and "montant en euros attendu" in bad.text
        done = post_form(web, f"/admin/dons/{started['pledge_id']}/remboursement", amount_euros="5,50",
                         reason="demande du donateur")
        assert done.status_code == 303
        assert "Remboursement enregistré" in web.get(done.headers["location"]).text
    assert sql(pay_settings.database_url, "SELECT status, refunded_cents FROM pledges WHERE id = :id",
               id=started["pledge_id"])[0] == ("partially_refunded", 550)

    run(run_reconcile(pay_settings, progress=False))
    with signed_in_as(pay_client, moderator) as web:
        page = web.get("/admin/dons").text
        assert "Dernière réconciliation" in page and "Aucune réconciliation enregistrée" not in page
        assert "receipts_sent" in page
