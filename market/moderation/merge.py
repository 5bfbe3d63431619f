"""Merging a duplicate listing into another of the same kind: the duplicate becomes `merged` (with
`merged_into_id`), its matches, its reports and, for an initiative, its pledges follow the survivor
(its own moderation history stays with it, ending with the merge, which names the survivor).

A match of the duplicate whose pair already exists on the survivor (the same candidate, or for a
candidate the same initiative) collides with `uq_matches_pair`: the match that went further
(partnership > in discussion > contacted > declined > suggested) is kept and re-pointed, the
other is deleted with its history; the action's `details` name what was moved and dropped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity
from market.db import rows_changed
from market.errors import InvalidField
from market.listings.spec import KindSpec
from market.models import ListingReport, Match, Pledge, utcnow
from market.moderation import workflow as moderation

PROGRESS = {"suggested": 0, "declined": 1, "contacted": 2, "in_discussion": 3, "partnership": 4}
SURVIVOR_STATES = ("published", "pending_review")


async def merge(session: AsyncSession, spec: KindSpec, source: Any, target_id: int, actor: Identity,
                reason: str | None, kept_from_source: list[str] | None = None) -> dict[str, Any]:
    """`kept_from_source`: the fields whose value the survivor took from the duplicate (recorded)."""
    target = await session.get(spec.model, target_id)
    if target is None:
        raise InvalidField(f"{spec.label} {target_id} introuvable", field="merge_into")
    if target.id == source.id:
        raise InvalidField("une annonce ne peut pas être fusionnée avec elle-même", field="merge_into")
    if target.status not in SURVIVOR_STATES:
        raise InvalidField(f"l'annonce qui reste doit être publiée ou en attente de modération (elle est "
                           f"{moderation.STATE_LABELS[target.status]})", field="merge_into")
    from_status = source.status
    moderation.transition(source, "merged")  # checked first: nothing moves if the source cannot merge
    source.updated_at = utcnow()
    details = await _follow(session, spec.kind, source.id, target.id)
    if spec.kind == "initiative":
        moved = await rows_changed(session, update(Pledge).where(Pledge.initiative_id == source.id)
                                      .values(initiative_id=target.id))
        details["pledges_moved"] = moved
    details["reports_moved"] = await rows_changed(session, update(ListingReport).where(
        ListingReport.listing_kind == spec.kind, ListingReport.listing_id == source.id).values(listing_id=target.id))
    source.merged_into_id = target.id
    if kept_from_source:
        details["fields_from_duplicate"] = sorted(kept_from_source)
    moderation.record(session, spec.kind, source, action="merge", from_status=from_status, actor=actor,
                      reason=reason, details=details, merged_into_id=target.id)
    return details


async def _follow(session: AsyncSession, kind: str, source_id: int, target_id: int) -> dict[str, Any]:
    """Re-point the duplicate's matches at the survivor, settling collisions by progress."""
    if kind == "initiative":
        column, same_kind = "initiative_id", []
    else:
        column, same_kind = "candidate_id", [Match.candidate_kind == kind]
    attr = getattr(Match, column)
    moving = list(await session.scalars(select(Match).where(attr == source_id, *same_kind).order_by(Match.id)))
    moved, dropped = [], []
    for match in moving:
        pair = [Match.candidate_kind == match.candidate_kind]
        pair.append(Match.candidate_id == match.candidate_id if kind == "initiative"
                    else Match.initiative_id == match.initiative_id)
        other = await session.scalar(select(Match).where(attr == target_id, *pair))
        if other is not None:
            keep_source = PROGRESS[match.status] > PROGRESS[other.status]
            loser = other if keep_source else match
            dropped.append({"match_id": loser.id, "status": loser.status})
            await session.delete(loser)
            await session.flush()
            if not keep_source:
                continue
        setattr(match, column, target_id)
        moved.append(match.id)
        await session.flush()
    return {"matches_moved": moved, "matches_dropped": dropped}
