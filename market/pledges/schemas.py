"""Request and response bodies of the pledge routes (msgspec Structs, limits in the types)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from market.schemas import Body, Email, Out
from market.vocabulary import PledgeState

AmountCents = Annotated[int, Meta(ge=1, le=100_000_000, description=(
    "Montant en centimes d'euro, entier, dans les bornes de la plateforme (200 à 50 000 par défaut)"))]
Token = Annotated[str, Meta(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class PledgeCreate(Body):
    amount_cents: AmountCents
    email: Email
    display_name: Annotated[str, Meta(min_length=1, max_length=120)] | None = None
    message: Annotated[str, Meta(max_length=1000)] | None = None
    anonymous: bool = False


class PledgeRetry(Body):
    """Prepare the payment again after Stripe did not answer; the token came with the first answer."""

    token: Token


class PledgeStarted(Out, kw_only=True):
    """201: pay with `client_secret` through Stripe Elements. 202: Stripe did not answer; the pledge
    is kept `pending`, `detail` says so and `retry_url` prepares the payment again."""

    pledge_id: int
    client_secret: str | None
    publishable_key: str
    status: PledgeState
    amount_cents: int
    currency: str
    tax_receipt_eligible: bool
    receipt_url: str
    retry_url: str
    detail: str | None = None


class PledgeOut(Out, kw_only=True):
    id: int
    initiative_id: int
    status: PledgeState
    amount_cents: int
    refunded_cents: int
    currency: str
    anonymous: bool
    display_name: str | None
    disputed: bool
    created_at: datetime
    settled_at: datetime | None


class FundingOut(Out, kw_only=True):
    initiative_id: int
    goal_cents: int | None
    raised_cents: int
    pledges_count: int
    refunded_cents: int
    currency: str
    accepts_pledges: bool
    min_pledge_cents: int
    max_pledge_cents: int
    tax_receipt_eligible: bool
    tax_receipt_rule: str


class WebhookAck(Out):
    received: bool
    outcome: str


class RefundRequest(Body):
    """Without `amount_cents`, everything not yet refunded."""

    amount_cents: Annotated[int, Meta(ge=1, le=100_000_000)] | None = None
    reason: Annotated[str, Meta(min_length=1, max_length=200)] | None = None


class RefundOut(Out):
    id: int
    pledge_id: int
    amount_cents: int
    status: str
    stripe_refund_id: str
    reason: str | None
    created_at: datetime
    pledge_status: str
    refunded_cents: int
