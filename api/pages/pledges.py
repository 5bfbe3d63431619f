"""Pledging from the web client: the form (amount, message, anonymity, whether a reçu fiscal can be
issued), then the card. With real Stripe keys the card is Stripe's own form (Stripe Elements: the
Payment Element mounted by api/static/js/stripe-payment.js with the PaymentIntent's client secret,
Stripe.js allowed by this page's policy only), which sends the payer back to the receipt page; in
development and tests a test-mode path pays with Stripe's test card on the fake Stripe server, so the
whole journey runs offline. It is never available in production."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id
from api.identity import IdentityDep
from api.pages.common import cents, form_errors, form_values, render, see_other
from api.security import stripe_policy
from market.config import Settings
from market.errors import DomainError, Forbidden
from market.listings import kinds
from market.listings import service as listings
from market.pledges import service as pledges
from market.pledges import settlement
from market.pledges.payments import PaymentGateway, PaymentRefused, PaymentUnavailable
from market.pledges.schemas import PledgeCreate


def test_mode(settings: Settings) -> bool:
    return settings.environment != "production" and settings.stripe_secret_key.startswith("sk_test_")


async def _form(db_session: AsyncSession, settings: Settings, identity: Any, initiative_id: int,
                values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    funding = await pledges.funding(db_session, settings, initiative_id)
    initiative = await listings.read(db_session, kinds.INITIATIVES, initiative_id)
    return render("pledge_form.html", identity, status_code=status_code, title="Soutenir une initiative",
                  initiative=initiative, funding=funding, values=values, errors=errors)


@get("/initiatives/{listing_id:str}/don", include_in_schema=False)
async def pledge_form(db_session: AsyncSession, settings: Settings, identity: IdentityDep,
                      listing_id: str) -> Template:
    return await _form(db_session, settings, identity, parse_id(listing_id, "initiative"), {}, {})


@post("/initiatives/{listing_id:str}/don", include_in_schema=False)
async def pledge(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                 payments: PaymentGateway, identity: IdentityDep, listing_id: str) -> Template:
    initiative_id = parse_id(listing_id, "initiative")
    values, _ = await form_values(request)
    try:
        data = msgspec.convert({"amount_cents": cents(values.get("amount_euros", "")), "email": values.get("email", ""),
                                "display_name": values.get("display_name") or None,
                                "message": values.get("message") or None,
                                "anonymous": values.get("anonymous") == "oui"}, PledgeCreate)
        started = await pledges.create(db_session, payments, settings, initiative_id, data, commit=db_session.commit)
    except (DomainError, msgspec.ValidationError) as exc:
        errors = form_errors(exc)
        if "amount_cents" in errors:
            errors["amount_euros"] = errors.pop("amount_cents")
        await db_session.rollback()
        return await _form(db_session, settings, identity, initiative_id, values, errors, status_code=400)
    pledge_row = await pledges.load(db_session, started.pledge_id)
    elements = settings.stripe_elements and started.client_secret is not None
    page = render("pledge_pay.html", identity, title="Payer votre don", started=started,
                  token=pledge_row.receipt_token, test_mode=test_mode(settings) and not elements, elements=elements,
                  return_url=f"{settings.public_url}/receipts/{pledge_row.receipt_token}")
    if elements:
        page.headers["Content-Security-Policy"] = stripe_policy(settings)
    return page


@post("/dons/{pledge_id:str}/paiement-test", include_in_schema=False)
async def pay_in_test_mode(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                           payments: PaymentGateway, pledge_id: str) -> Redirect:
    if not test_mode(settings):
        raise Forbidden("le paiement de test n'existe pas en production")
    values, _ = await form_values(request)
    pledge_id_ = parse_id(pledge_id, "promesse")
    await pledges.receipt_view(db_session, settings, pledge_id_, values.get("token", ""))  # 404 without its token
    pledge_row = await pledges.load(db_session, pledge_id_)
    try:
        if pledge_row.payment_intent_id:
            await payments.pay_with_test_card(pledge_row.payment_intent_id)
        await settlement.settle(db_session, payments, settings, pledge_row.id)
    except (PaymentRefused, PaymentUnavailable):
        pass  # the receipt page says the payment is still pending
    return see_other(f"/receipts/{pledge_row.receipt_token}")
