"""The jobs in-process, for the embedded SQLite default (`make run` alone gives a working product):
the outbox and the saved searches' alerts every OUTBOX_INTERVAL_SECONDS, the embedding backfill
every five minutes, the digest, the reverse alerts and the freshness check once a day at DIGEST_HOUR
(UTC). On PostgreSQL run them from a queue worker or cron instead (docs/notifications.md);
JOBS_IN_PROCESS=on|off overrides the choice."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from market.config import Settings
from market.jobs import backfill
from market.models import utcnow
from market.notifications import digest, freshness, outbox, reverse_alerts, search_alerts

log = logging.getLogger("bourse.jobs")
BACKFILL_EVERY = timedelta(minutes=5)


async def backfill_embeddings(factory: async_sessionmaker, settings: Settings) -> None:
    embedder = await backfill.current_embedder(settings)
    if embedder is not None:
        await backfill.backfill(factory, embedder)


async def run_forever(engine: AsyncEngine, settings: Settings) -> None:
    factory = async_sessionmaker(engine, expire_on_commit=False)
    last_digest: datetime | None = None
    last_backfill: datetime | None = None
    while True:
        try:
            now = utcnow()
            if now.hour == settings.digest_hour and (last_digest is None or last_digest.date() != now.date()):
                await digest.send_digests(factory)
                await reverse_alerts.send_reverse_alerts(factory, floor=settings.match_floor)
                await freshness.check(factory, settings)
                last_digest = now
            await search_alerts.send_search_alerts(factory)  # each search keeps to its own period
            await outbox.send_pending(factory, settings)
            if last_backfill is None or now - last_backfill >= BACKFILL_EVERY:
                last_backfill = now  # a failing run waits for the next period
                await backfill_embeddings(factory, settings)
        except Exception as exc:  # the database may be briefly unavailable: try again at the next tick
            log.warning("in-process jobs: run failed (%s)", type(exc).__name__)
        await asyncio.sleep(settings.outbox_interval_seconds)
