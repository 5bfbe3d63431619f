"""Stripe webhook events, each applied once.

The event id is claimed first with INSERT ... ON CONFLICT DO NOTHING on its primary key: of two
deliveries of one event at the same moment (two workers), the second waits on the first's
uncommitted row (PostgreSQL) or on the write lock (SQLite) and then inserts nothing, so it applies
nothing. The claim and the state change commit together (the framework's transaction): a
delivery that fails leaves no trace and Stripe's retry applies it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from market.models import StripeEvent, utcnow
from market.pledges import states
from market.pledges.payments import MalformedEvent, Refund, intent_from, related_id

log = logging.getLogger("bourse.pledges")


@dataclass
class Applied:
    outcome: str  # applied, no_change, duplicate, ignored, unknown_pledge, amount_mismatch
    pledge_id: int | None = None
    newly_settled: list[int] = field(default_factory=list)


async def handle(session: AsyncSession, event: dict[str, Any]) -> Applied:
    event_id, event_type = str(event["id"]), str(event.get("type") or "")
    claim = states.insert_ignore(session, StripeEvent, ["id"], id=event_id, type=event_type[:100],
                                 outcome="received", received_at=utcnow())
    if (await session.execute(claim.returning(StripeEvent.id))).first() is None:
        return Applied("duplicate")
    obj = (event.get("data") or {}).get("object") or {}
    handler = HANDLERS.get(event_type)
    try:
        result = await handler(session, obj) if handler and isinstance(obj, dict) else Applied("ignored")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a field missing or of the wrong type
        log.warning("stripe event %s (%s) malformed: %s", event_id, event_type, type(exc).__name__)
        raise MalformedEvent(f"l'objet d'un événement {event_type[:100]} n'a pas la forme attendue") from None
    await session.execute(update(StripeEvent).where(StripeEvent.id == event_id)
                          .values(outcome=result.outcome, pledge_id=result.pledge_id)
                          .execution_options(**states.NO_SYNC))
    log.info("stripe event %s (%s): %s, pledge %s", event_id, event_type, result.outcome, result.pledge_id)
    return result


def _changed(changed: bool, pledge_id: int, *, settled: bool = False) -> Applied:
    return Applied("applied" if changed else "no_change", pledge_id, [pledge_id] if changed and settled else [])


async def _intent_succeeded(session: AsyncSession, obj: dict[str, Any]) -> Applied:
    intent = intent_from(obj)
    pledge = await states.find_for_intent(session, intent)
    if pledge is None:
        return Applied("unknown_pledge")
    if not states.amount_matches(pledge, intent):
        log.warning("payment intent %s: amount or currency differs from pledge %s", intent.id, pledge.id)
        return Applied("amount_mismatch", pledge.id)
    return _changed(await states.mark_succeeded(session, pledge.id, intent.charge_id), pledge.id, settled=True)


async def _intent_failed(session: AsyncSession, obj: dict[str, Any]) -> Applied:
    intent = intent_from(obj)
    pledge = await states.find_for_intent(session, intent)
    if pledge is None:
        return Applied("unknown_pledge")
    reason = intent.failure_code or "payment_failed"
    return _changed(await states.mark_failed(session, pledge.id, reason, from_states=("pending",)), pledge.id)


async def _intent_canceled(session: AsyncSession, obj: dict[str, Any]) -> Applied:
    intent = intent_from(obj)
    pledge = await states.find_for_intent(session, intent)
    if pledge is None:
        return Applied("unknown_pledge")
    changed = await states.mark_failed(session, pledge.id, "canceled", from_states=("pending", "failed"))
    return _changed(changed, pledge.id)


async def _charge_refunded(session: AsyncSession, obj: dict[str, Any]) -> Applied:
    charge_id = obj.get("id")
    pledge = await states.find_for_charge(session, related_id(obj.get("payment_intent")), charge_id)
    if pledge is None:
        return Applied("unknown_pledge")
    refunds = (obj.get("refunds") or {}).get("data") or []  # present in older API versions only
    for item in refunds:
        if isinstance(item, dict) and item.get("id") and int(item.get("amount") or 0) > 0:
            refund = Refund(id=item["id"], amount=int(item["amount"]), status=item.get("status") or "succeeded")
            await states.record_refund(session, pledge.id, refund, source="stripe")
    total = int(obj.get("amount_refunded") or 0)
    return _changed(await states.apply_refunded_total(session, pledge.id, total, charge_id), pledge.id)


async def _dispute_created(session: AsyncSession, obj: dict[str, Any]) -> Applied:
    pledge = await states.find_for_charge(session, related_id(obj.get("payment_intent")), related_id(obj.get("charge")))
    if pledge is None:
        return Applied("unknown_pledge")
    log.warning("dispute opened on pledge %s", pledge.id)
    return _changed(await states.mark_disputed(session, pledge.id), pledge.id)


HANDLERS: dict[str, Callable[[AsyncSession, dict[str, Any]], Awaitable[Applied]]] = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "payment_intent.canceled": _intent_canceled,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}
