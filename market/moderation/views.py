"""Moderation actions and queued listings, turned into response Structs."""

from __future__ import annotations

from typing import Any

from market.listings import kinds
from market.listings.views import organisation_ref
from market.models import ModerationAction
from market.moderation.schemas import ModerationActionOut, QueueItem


def action_out(row: ModerationAction, *, show_actor: bool = True) -> ModerationActionOut:
    return ModerationActionOut(
        id=row.id, listing_kind=row.listing_kind, listing_id=row.listing_id, action=row.action,
        from_status=row.from_status, to_status=row.to_status, reason=row.reason,
        merged_into_id=row.merged_into_id, details=dict(row.details or {}),
        actor_id=row.actor_id if show_actor else None, actor_role=row.actor_role, at=row.at,
    )


def queue_item(kind: str, listing: Any, open_reports: int = 0) -> QueueItem:
    spec = kinds.KINDS[kind]
    return QueueItem(kind=kind, id=listing.id, title=spec.title(listing),  # type: ignore[arg-type]
                     status=listing.status, organisation=organisation_ref(listing.organisation),
                     created_at=listing.created_at, updated_at=listing.updated_at,
                     url=spec.url(listing), open_reports=open_reports)
