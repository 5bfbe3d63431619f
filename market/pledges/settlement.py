"""Settle one pending pledge by asking Stripe, for pledges whose webhook never came.

The same conditional state changes as the webhooks, so running it while events arrive, or twice
in a row, changes nothing more.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from market.config import Settings
from market.models import Pledge, utcnow
from market.pledges import states
from market.pledges.payments import Intent, PaymentGateway


async def settle(session: AsyncSession, gateway: PaymentGateway, settings: Settings, pledge_id: int) -> str:
    """One pending pledge: returns what happened (succeeded, failed, abandoned, waiting, unchanged...).
    Raises PaymentUnavailable when Stripe does not answer: the pledge is left as it was."""
    pledge = await session.get(Pledge, pledge_id)
    if pledge is None or pledge.status != "pending":
        return "unchanged"
    intent: Intent | None
    if pledge.payment_intent_id:
        intent = await gateway.retrieve_intent(pledge.payment_intent_id)
    else:  # Stripe did not answer at creation: did the intent get made all the same?
        since = int(pledge.created_at.timestamp()) - 600
        intent = await gateway.find_intent(pledge.id, pledge.stripe_reference, since)
    too_old = utcnow() - pledge.created_at > timedelta(hours=settings.pledge_abandon_hours)
    if intent is None:
        if too_old and await states.mark_failed(session, pledge.id, "abandoned", from_states=("pending",)):
            return "abandoned"
        return "waiting"
    found = await states.find_for_intent(session, intent)
    if found is None or found.id != pledge.id:
        return "mismatch"
    return await _apply(session, found, intent)


async def _apply(session: AsyncSession, pledge: states.PledgeRef, intent: Intent) -> str:
    if intent.status == "succeeded":
        if not states.amount_matches(pledge, intent):
            return "amount_mismatch"
        changed = await states.mark_succeeded(session, pledge.id, intent.charge_id)
        if intent.amount_refunded:
            await states.apply_refunded_total(session, pledge.id, intent.amount_refunded, intent.charge_id)
        return "succeeded" if changed else "unchanged"
    if intent.status == "canceled":
        changed = await states.mark_failed(session, pledge.id, "canceled", from_states=("pending", "failed"))
        return "failed" if changed else "unchanged"
    if intent.status == "requires_payment_method" and intent.failure_code:
        changed = await states.mark_failed(session, pledge.id, intent.failure_code, from_states=("pending",))
        return "failed" if changed else "unchanged"
    return "waiting"
