"""The jobs of the notifications, as the command line (`python -m market.cli`) and the in-process
scheduler run them: each opens its own short transactions and is safe to run again."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from market.config import Settings
from market.db import session_factory
from market.notifications import digest, freshness, outbox, reverse_alerts, search_alerts


async def send_outbox(settings: Settings, requeue_minutes: int | None = None) -> Counter[str]:
    async with session_factory(settings) as factory:
        outcome: Counter[str] = Counter()
        if requeue_minutes is not None:
            outcome["requeued"] = await outbox.requeue_interrupted(factory, timedelta(minutes=requeue_minutes))
        outcome.update(await outbox.send_pending(factory, settings))
        return outcome


async def daily_digest(settings: Settings) -> Counter[str]:
    """Queue the digests, then send what the outbox holds."""
    async with session_factory(settings) as factory:
        outcome = Counter({"digests": await digest.send_digests(factory)})
        outcome.update(await outbox.send_pending(factory, settings))
        return outcome


async def saved_search_alerts(settings: Settings) -> Counter[str]:
    """Queue the saved searches' digests that are due, then send the outbox."""
    async with session_factory(settings) as factory:
        outcome = Counter({"alerts": await search_alerts.send_search_alerts(factory)})
        outcome.update(await outbox.send_pending(factory, settings))
        return outcome


async def initiative_alerts(settings: Settings, days: int = 7) -> Counter[str]:
    """Tell the offers matched by the initiatives published in the last `days`, then send the outbox."""
    async with session_factory(settings) as factory:
        outcome = Counter({"alerts": await reverse_alerts.send_reverse_alerts(factory, floor=settings.match_floor,
                                                                              days=days)})
        outcome.update(await outbox.send_pending(factory, settings))
        return outcome


async def listing_freshness(settings: Settings) -> Counter[str]:
    """Ask, mark stale and archive the listings nobody keeps up to date, then send the outbox."""
    async with session_factory(settings) as factory:
        outcome = await freshness.check(factory, settings)
        outcome.update(await outbox.send_pending(factory, settings))
        return outcome
