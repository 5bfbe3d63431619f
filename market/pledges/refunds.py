"""Refunds of a paid pledge, full or partial, through Stripe, recorded; never more than was paid.

Called by `python -m market.cli refund` and by the admin route `POST /api/admin/pledges/{id}/refunds`.
The pledge row is locked for the whole check-refund-record sequence, so two admins refunding the
same pledge at once are served one after the other and the second sees the first's refund.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.errors import Conflict, InvalidField, InvalidTransition, NotFound, ServiceUnavailable
from market.models import Pledge, PledgeRefund, utcnow
from market.pledges import states
from market.pledges.payments import PaymentGateway, PaymentRefused, PaymentUnavailable
from market.pledges.receipts import euros
from market.pledges.schemas import RefundOut

log = logging.getLogger("bourse.pledges")
REFUNDABLE = ("succeeded", "partially_refunded")


async def refund_pledge(session: AsyncSession, gateway: PaymentGateway, pledge_id: int,
                        amount_cents: int | None = None, reason: str | None = None) -> PledgeRefund:
    """Refund `amount_cents` (everything left when None) of a paid pledge."""
    pledge = await states.lock(session, pledge_id)
    if pledge is None:
        raise NotFound(f"promesse {pledge_id} introuvable")
    if pledge.status not in REFUNDABLE or not pledge.payment_intent_id:
        raise InvalidTransition("seule une promesse payée et pas entièrement remboursée peut être remboursée",
                                field="status")
    try:
        intent = await gateway.retrieve_intent(pledge.payment_intent_id)
    except PaymentUnavailable as exc:
        raise ServiceUnavailable("Stripe ne répond pas : rien n'a été remboursé, réessayez plus tard") from exc
    # Stripe's own total counts refunds made elsewhere (the dashboard) whose event has not come yet.
    already = max(pledge.refunded_cents, intent.amount_refunded)
    remaining = pledge.amount_cents - already
    amount = remaining if amount_cents is None else amount_cents
    if amount <= 0 or amount > remaining:
        raise InvalidField(f"le remboursement doit être compris entre 0,01 € et ce qui reste à rembourser, "
                           f"{euros(remaining)}", field="amount_cents")
    count = await session.scalar(select(func.count()).where(PledgeRefund.pledge_id == pledge.id))
    key = f"pledge-{pledge.id}-{pledge.stripe_reference}-refund-{(count or 0) + 1}-{amount}"
    try:
        refund = await gateway.refund(intent_id=pledge.payment_intent_id, amount_cents=amount,
                                      idempotency_key=key, pledge_id=pledge.id)
    except PaymentRefused as exc:
        raise Conflict(f"Stripe a refusé le remboursement : {exc}") from exc
    except PaymentUnavailable as exc:
        raise ServiceUnavailable("Stripe ne répond pas : réessayez ; la même demande ne rembourse "
                                 "qu'une fois (clé d'idempotence)") from exc
    await states.record_refund(session, pledge.id, refund, source="admin", reason=reason)
    total = min(already + refund.amount, pledge.amount_cents)
    pledge.refunded_cents = total
    pledge.status = "refunded" if total >= pledge.amount_cents else "partially_refunded"
    pledge.charge_id = pledge.charge_id or intent.charge_id
    pledge.updated_at = utcnow()
    await session.flush()
    log.info("pledge %s refunded %s cents (refund %s)", pledge.id, refund.amount, refund.id)
    row = await session.scalar(select(PledgeRefund).where(PledgeRefund.stripe_refund_id == refund.id))
    assert row is not None
    return row


async def refund_by_admin(session: AsyncSession, gateway: PaymentGateway, actor: Identity | None, pledge_id: int,
                          amount_cents: int | None, reason: str | None) -> RefundOut:
    """The admin route: `refund_pledge` for an admin, answered with the pledge's new state."""
    access.admin(actor)
    refund = await refund_pledge(session, gateway, pledge_id, amount_cents, reason)
    pledge = await session.get(Pledge, refund.pledge_id)
    assert pledge is not None  # a foreign key
    return RefundOut(id=refund.id, pledge_id=refund.pledge_id, amount_cents=refund.amount_cents,
                     status=refund.status, stripe_refund_id=refund.stripe_refund_id, reason=refund.reason,
                     created_at=refund.created_at, pledge_status=pledge.status, refunded_cents=pledge.refunded_cents)
