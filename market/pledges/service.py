"""Pledges: write the pledge, prepare its Stripe payment, read it, its receipt and the funding total.

The pledge row is written (`pending`) and committed before Stripe is called (so no PaymentIntent
is ever made for a row that is then rolled back: a failed commit means Stripe was never asked),
and the PaymentIntent
carries an idempotency key derived from the pledge and the pledge id in its metadata. When Stripe
does not answer, the pledge is kept `pending` (the answer is a 202 that the framework commits) and
can be prepared again (`retry_payment`) or settled later by `python -m market.cli reconcile`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.config import Settings
from market.errors import Conflict, InvalidField, InvalidTransition, NotFound
from market.listings import service as listings
from market.listings.initiatives import SPEC as INITIATIVES
from market.models import Initiative, Pledge
from market.pledges.payments import Intent, PaymentGateway, PaymentRefused, PaymentUnavailable
from market.pledges.receipts import TAX_RECEIPT_RULE, ReceiptView, euros
from market.pledges.schemas import FundingOut, PledgeCreate, PledgeOut, PledgeStarted
from market.vocabulary import SETTLED_STATES

log = logging.getLogger("bourse.pledges")
UNAVAILABLE = ("Le service de paiement ne répond pas pour le moment : votre promesse n° {id} est "
               "enregistrée mais aucun paiement n'a été demandé. Réessayez dans quelques minutes.")


def idempotency_key(pledge: Pledge) -> str:
    return f"pledge-{pledge.id}-{pledge.stripe_reference}-create"


async def _pledgeable(session: AsyncSession, initiative_id: int) -> Initiative:
    initiative = await listings.read(session, INITIATIVES, initiative_id)
    if initiative.funding_goal_cents is None:
        raise Conflict("cette initiative n'a pas d'objectif de financement : elle ne reçoit pas de promesses de don")
    return initiative


def _check_amount(amount: int, settings: Settings) -> None:
    if not settings.pledge_min_cents <= amount <= settings.pledge_max_cents:
        raise InvalidField(
            f"le montant doit être compris entre {euros(settings.pledge_min_cents)} et "
            f"{euros(settings.pledge_max_cents)} (en centimes : {settings.pledge_min_cents} à "
            f"{settings.pledge_max_cents})",
            field="amount_cents",
        )


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


async def create(session: AsyncSession, gateway: PaymentGateway, settings: Settings, initiative_id: int,
                 data: PledgeCreate, *, commit: Callable[[], Awaitable[None]]) -> PledgeStarted:
    """`commit` makes the pledge row durable (the caller's transaction) before Stripe is called; the
    intent's id is then written in the caller's next transaction (if that one is lost, the retry and
    the reconciliation find the intent by the pledge's metadata)."""
    initiative = await _pledgeable(session, initiative_id)
    _check_amount(data.amount_cents, settings)
    pledge = Pledge(
        initiative_id=initiative.id, amount_cents=data.amount_cents, currency="eur", email=data.email.strip(),
        display_name=_clean(data.display_name), message=_clean(data.message), anonymous=data.anonymous,
        status="pending", stripe_reference=secrets.token_hex(8), receipt_token=secrets.token_urlsafe(24),
    )
    session.add(pledge)
    await session.flush()
    await commit()  # the pledge exists (and has its id) before Stripe is called
    return await _prepare(session, gateway, settings, pledge, initiative, first=True)


async def retry_payment(session: AsyncSession, gateway: PaymentGateway, settings: Settings, pledge_id: int,
                        token: str) -> PledgeStarted:
    pledge = await _with_token(session, pledge_id, token)
    if pledge.status != "pending":
        raise InvalidTransition("cette promesse n'attend plus de paiement", field="status")
    initiative = await _pledgeable(session, pledge.initiative_id)
    return await _prepare(session, gateway, settings, pledge, initiative, first=False)


async def _prepare(session: AsyncSession, gateway: PaymentGateway, settings: Settings, pledge: Pledge,
                   initiative: Initiative, *, first: bool) -> PledgeStarted:
    """Get the pledge a PaymentIntent: the stored one, else (on a retry) one Stripe already made for
    it, else a new one under the pledge's idempotency key. localstripe ignores idempotency keys, so
    the look-up by metadata is what keeps a retry from making a second intent there."""
    intent: Intent | None
    try:
        if pledge.payment_intent_id:
            intent = await gateway.retrieve_intent(pledge.payment_intent_id)
        else:
            since = int(pledge.created_at.timestamp()) - 600
            intent = None if first else await gateway.find_intent(pledge.id, pledge.stripe_reference, since)
            if intent is None:
                intent = await gateway.create_intent(
                    pledge_id=pledge.id, pledge_ref=pledge.stripe_reference, amount_cents=pledge.amount_cents,
                    currency=pledge.currency, idempotency_key=idempotency_key(pledge))
            pledge.payment_intent_id = intent.id
            await session.flush()
    except (PaymentUnavailable, PaymentRefused) as exc:
        log.warning("pledge %s kept pending: Stripe did not prepare the payment (%s)", pledge.id, exc)
        return _started(pledge, initiative, settings, None, UNAVAILABLE.format(id=pledge.id))
    return _started(pledge, initiative, settings, intent.client_secret, None)


def _started(pledge: Pledge, initiative: Initiative, settings: Settings, client_secret: str | None,
             detail: str | None) -> PledgeStarted:
    return PledgeStarted(
        pledge_id=pledge.id, client_secret=client_secret, publishable_key=settings.stripe_publishable_key,
        status=pledge.status, amount_cents=pledge.amount_cents, currency=pledge.currency,
        tax_receipt_eligible=bool(initiative.tax_receipt_eligible), receipt_url=receipt_url(settings, pledge),
        retry_url=f"/api/pledges/{pledge.id}/payment", detail=detail,
    )


def receipt_url(settings: Settings, pledge: Pledge) -> str:
    """The receipt's own unguessable address: its token, not the pledge id (ids are no secret)."""
    return f"{settings.public_url}/receipts/{pledge.receipt_token}"


async def load(session: AsyncSession, pledge_id: int) -> Pledge:
    pledge = await session.get(Pledge, pledge_id, populate_existing=True)
    if pledge is None:
        raise NotFound(f"promesse {pledge_id} introuvable")
    return pledge


async def _with_token(session: AsyncSession, pledge_id: int, token: str) -> Pledge:
    pledge = await load(session, pledge_id)
    # bytes: compare_digest refuses str with non-ASCII characters (a TypeError, so a 500, on a typed token)
    if not secrets.compare_digest(pledge.receipt_token.encode(), token.encode()):
        raise NotFound(f"promesse {pledge_id} introuvable")
    return pledge


def to_out(pledge: Pledge) -> PledgeOut:
    return PledgeOut(
        id=pledge.id, initiative_id=pledge.initiative_id, status=pledge.status, amount_cents=pledge.amount_cents,
        refunded_cents=pledge.refunded_cents, currency=pledge.currency, anonymous=pledge.anonymous,
        display_name=None if pledge.anonymous else pledge.display_name, disputed=pledge.disputed,
        created_at=pledge.created_at, settled_at=pledge.settled_at,
    )


async def read(session: AsyncSession, pledge_id: int, viewer: Identity | None = None,
               token: str | None = None) -> PledgeOut:
    """A pledge's state for the funder who holds its receipt token, and for the staff; 404 for anyone
    else (a pledge id is not a secret: it tells nobody who gave what)."""
    if access.staff_member(viewer):
        return to_out(await load(session, pledge_id))
    return to_out(await _with_token(session, pledge_id, token or ""))


async def by_receipt_token(session: AsyncSession, token: str) -> Pledge:
    pledge = await session.scalar(select(Pledge).where(Pledge.receipt_token == token))
    if pledge is None:
        raise NotFound("reçu introuvable")
    return pledge


def raised_sums() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """SQL sums over pledge rows: the money raised (settled pledges minus their refunds; a disputed
    pledge counts for nothing while its dispute is open) and the number of pledges that count."""
    settled = Pledge.status.in_(SETTLED_STATES) & Pledge.disputed.is_(False)
    counted = settled & (Pledge.amount_cents > Pledge.refunded_cents)
    return (func.coalesce(func.sum(case((settled, Pledge.amount_cents - Pledge.refunded_cents), else_=0)), 0),
            func.coalesce(func.sum(case((counted, 1), else_=0)), 0))


async def funding(session: AsyncSession, settings: Settings, initiative_id: int) -> FundingOut:
    """What an initiative raised, in one SQL sum over its pledge rows: nothing can be counted twice."""
    initiative = await listings.read(session, INITIATIVES, initiative_id)
    row = (await session.execute(
        select(
            *raised_sums(),
            func.coalesce(func.sum(case((Pledge.status.in_(SETTLED_STATES), Pledge.refunded_cents), else_=0)), 0),
        ).where(Pledge.initiative_id == initiative.id)
    )).one()
    return FundingOut(
        initiative_id=initiative.id, goal_cents=initiative.funding_goal_cents, raised_cents=int(row[0]),
        pledges_count=int(row[1]), refunded_cents=int(row[2]), currency="eur",
        accepts_pledges=initiative.funding_goal_cents is not None, min_pledge_cents=settings.pledge_min_cents,
        max_pledge_cents=settings.pledge_max_cents, tax_receipt_eligible=bool(initiative.tax_receipt_eligible),
        tax_receipt_rule=TAX_RECEIPT_RULE,
    )


async def receipt_view(session: AsyncSession, settings: Settings, pledge_id: int,
                       token: str | None = None) -> ReceiptView:
    """What the receipt shows; with a token, only for the funder who holds it."""
    pledge = await (_with_token(session, pledge_id, token) if token is not None else load(session, pledge_id))
    initiative = await session.get(Initiative, pledge.initiative_id)
    assert initiative is not None  # a foreign key
    return ReceiptView(
        pledge_id=pledge.id, initiative_title=initiative.title, amount_cents=pledge.amount_cents,
        refunded_cents=pledge.refunded_cents, status=pledge.status, display_name=pledge.display_name,
        anonymous=pledge.anonymous, settled_at=pledge.settled_at,
        tax_receipt_eligible=bool(initiative.tax_receipt_eligible), receipt_url=receipt_url(settings, pledge),
    )
