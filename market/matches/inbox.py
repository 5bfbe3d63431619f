"""« Mes mises en relation »: every match a person's organisations are a party of, newest first.

Only matches someone has acted on (interest shown, accepted, partnership, declined) are listed: a
suggestion nobody moved is a ranking, not a relationship yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.listings import kinds
from market.models import Initiative, Match
from market.vocabulary import CANDIDATE_KINDS, MatchStatus, Side


@dataclass(frozen=True)
class InboxItem:
    match_id: int
    status: MatchStatus
    side: Side  # the side the person acts for
    initiative_id: int
    initiative_title: str
    candidate_kind: str
    candidate_id: int
    candidate_title: str
    updated_at: datetime


async def inbox(session: AsyncSession, viewer: Identity | None) -> list[InboxItem]:
    viewer = signed_in(viewer)
    organisations = list(viewer.memberships)
    if not organisations:
        return []
    found: list[InboxItem] = []
    for kind in CANDIDATE_KINDS:
        spec = kinds.KINDS[kind]
        candidate = spec.model
        rows = await session.execute(
            select(Match, Initiative, candidate)
            .join(Initiative, Initiative.id == Match.initiative_id)
            .join(candidate, candidate.id == Match.candidate_id)
            .where(Match.candidate_kind == kind, Match.status != "suggested",
                   or_(Initiative.organisation_id.in_(organisations), candidate.organisation_id.in_(organisations)))
        )
        for match, initiative, other in rows.tuples():
            side: Side = "initiative" if initiative.organisation_id in viewer.memberships else "candidate"
            found.append(InboxItem(match.id, match.status, side, initiative.id, initiative.title, kind, other.id,
                                   spec.title(other), match.updated_at))
    return sorted(found, key=lambda item: item.updated_at, reverse=True)
