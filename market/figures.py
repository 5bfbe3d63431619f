"""Live figures of the bourse, for its home page: what is published, how far matches went, what
was pledged. Counts only: nothing personal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.models import Initiative, Match, Pledge
from market.pledges.service import raised_sums


@dataclass(frozen=True)
class Figures:
    initiatives: int
    matches: dict[str, int]  # by cooperation level
    pledged_cents: int
    pledges: int


async def live(session: AsyncSession) -> Figures:
    initiatives = await session.scalar(select(func.count()).where(Initiative.status == "published"))
    by_status = dict((await session.execute(select(Match.status, func.count()).group_by(Match.status))).tuples().all())
    raised, count = (await session.execute(select(*raised_sums()).select_from(Pledge))).one()
    return Figures(initiatives=initiatives or 0, matches={str(k): int(v) for k, v in by_status.items()},
                   pledged_cents=int(raised), pledges=int(count))
