"""Live figures of the bourse, for its home page: what is published, how far matches went, what
was pledged. Counts only: nothing personal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.models import Initiative, Match, Pledge
from market.vocabulary import SETTLED_STATES


@dataclass(frozen=True)
class Figures:
    initiatives: int
    matches: dict[str, int]  # by cooperation level
    pledged_cents: int
    pledges: int


async def live(session: AsyncSession) -> Figures:
    initiatives = await session.scalar(select(func.count()).where(Initiative.status == "published"))
    by_status = dict((await session.execute(select(Match.status, func.count()).group_by(Match.status))).tuples().all())
    settled = Pledge.status.in_(SETTLED_STATES) & Pledge.disputed.is_(False)
    raised, count = (await session.execute(select(
        func.coalesce(func.sum(case((settled, Pledge.amount_cents - Pledge.refunded_cents), else_=0)), 0),
        func.coalesce(func.sum(case((settled, 1), else_=0)), 0),
    ))).one()
    return Figures(initiatives=initiatives or 0, matches={str(k): int(v) for k, v in by_status.items()},
                   pledged_cents=int(raised), pledges=int(count))
