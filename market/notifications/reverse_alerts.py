"""Reverse alerts: a support provider, takeover opportunity or volunteer offer is told when a newly
published initiative (published in the last `days`) matches it above the relevance floor, with the
engine's reasons. Each pair is recorded (`reverse_alerts`, its primary key) in the transaction that
queues the email: told once, whatever runs again or at the same time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import undefer

from market.db import insert_for, rows_changed
from market.listings import kinds
from market.matches import ranking
from market.matches import settings as tuning
from market.matches.pools import CandidatePools
from market.models import Initiative, utcnow
from market.notifications import outbox, preferences, recipients
from market.notifications.events import listing_path
from market.notifications.models import ReverseAlert
from market.vocabulary import CANDIDATE_KINDS
from matching import types as m

KIND = "new_initiative"


async def send_reverse_alerts(factory: async_sessionmaker[AsyncSession], *, floor: int, days: int = 7,
                              now: datetime | None = None) -> int:
    """Queue the alerts of the initiatives published since `now - days`; returns how many emails."""
    since = (now or utcnow()) - timedelta(days=days)
    async with factory() as session:
        ids = list(await session.scalars(select(Initiative.id).where(
            Initiative.status == "published", Initiative.published_at >= since).order_by(Initiative.id)))
    pools, queued = CandidatePools(), 0
    for initiative_id in ids:
        async with factory() as session, session.begin():
            queued += await _one(session, pools, initiative_id, floor)
    return queued


async def _one(session: AsyncSession, pools: CandidatePools, initiative_id: int, floor: int) -> int:
    # with its stored vector (a deferred column: read lazily, it would need IO outside the event loop)
    initiative = await session.get(Initiative, initiative_id, options=[undefer(Initiative.embedding)])
    if initiative is None or initiative.status != "published":
        return 0
    tuned = await tuning.in_force(session, floor)  # the admins' stored weights and floor, as the matches pages
    ranked, _ = await ranking.rank_for_initiative(session, pools, initiative, list(CANDIDATE_KINDS), limit=100,
                                                  model=initiative.embedding_model, floor=tuned.floor,
                                                  weights=tuned.weights)
    queued = 0
    for found in ranked:
        for match in found.ranking.matches:
            candidate = found.rows[int(match.candidate_id)]
            if await _first_time(session, initiative.id, found.kind, candidate.id, match.score):
                queued += await _tell(session, initiative, found.kind, candidate, match)
    return queued


async def _first_time(session: AsyncSession, initiative_id: int, kind: str, candidate_id: int, score: int) -> bool:
    stmt = insert_for(session)(ReverseAlert).values(initiative_id=initiative_id, candidate_kind=kind,
                                                    candidate_id=candidate_id, score=score, created_at=utcnow())
    return await rows_changed(session, stmt.on_conflict_do_nothing()) == 1


async def _tell(session: AsyncSession, initiative: Initiative, kind: str, candidate: Any, match: m.Match) -> int:
    context = {"kind": KIND, "initiative": initiative.title, "own": kinds.KINDS[kind].title(candidate),
               "score": match.score, "reasons": list(match.reasons), "missing": list(match.missing),
               "link": listing_path("initiative", initiative),
               "matches_link": f"{listing_path(kind, candidate)}/initiatives"}
    members = await recipients.members(session, kind, candidate)
    addresses = [(preferences.of_account(x.account_id), x.email) for x in members]
    if not members and candidate.contact_email:
        addresses = [(preferences.of_address(candidate.contact_email), candidate.contact_email)]
    queued = 0
    for subscriber, address in addresses:
        if (await preferences.modes(session, subscriber))[KIND] != "none":
            await outbox.enqueue(session, address, "reverse_alert", {**context, "subscriber": subscriber})
            queued += 1
    return queued
