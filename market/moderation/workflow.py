"""The moderation workflow: draft -> pending_review -> published -> rejected / archived / merged.

Every change of state goes through `change`, which records it in `moderation_actions`: who (the
account and the role it acted in), when, what (action, from, to), why (the reason) and, for a
merge, the survivor and what followed it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity
from market.errors import InvalidTransition
from market.live import events as live
from market.models import ModerationAction, utcnow

STATE_LABELS = {
    "draft": "en brouillon",
    "pending_review": "en attente de modération",
    "published": "publiée",
    "rejected": "refusée",
    "archived": "archivée",
    "merged": "fusionnée avec une autre annonce",
}
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"pending_review", "archived"}),
    "pending_review": frozenset({"published", "rejected", "draft", "archived", "merged"}),
    "published": frozenset({"pending_review", "archived", "merged"}),
    "rejected": frozenset({"pending_review", "archived"}),
    "archived": frozenset({"published"}),
    "merged": frozenset(),
}


def transition(listing: Any, to: str) -> None:
    current = listing.status
    if to not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(
            f"une annonce {STATE_LABELS[current]} ne peut pas passer à l'état « {STATE_LABELS[to]} »",
            field="status",
        )
    listing.status = to
    if to == "published" and listing.published_at is None:
        listing.published_at = utcnow()


def acting_role(actor: Identity | None, listing: Any) -> str | None:
    if actor is None:
        return None
    return actor.platform_role or actor.memberships.get(listing.organisation_id)


def record(session: AsyncSession, kind: str, listing: Any, *, action: str, from_status: str,
           actor: Identity | None, reason: str | None = None, details: dict[str, Any] | None = None,
           merged_into_id: int | None = None) -> ModerationAction:
    row = ModerationAction(
        listing_kind=kind, listing_id=listing.id, action=action, from_status=from_status, to_status=listing.status,
        reason=reason, merged_into_id=merged_into_id, details=details or {},
        actor_id=actor.account_id if actor and not actor.is_system else None, actor_role=acting_role(actor, listing),
        at=utcnow(),
    )
    session.add(row)
    return row


def change(session: AsyncSession, kind: str, listing: Any, to: str, *, action: str, actor: Identity | None,
           reason: str | None = None, details: dict[str, Any] | None = None,
           merged_into_id: int | None = None) -> ModerationAction:
    """Move the listing to `to` (refused with a 409 when the workflow does not allow it) and record it."""
    from_status = listing.status
    transition(listing, to)
    listing.updated_at = utcnow()
    live.listing_moderated(session, kind, listing, action=action, from_status=from_status, reason=reason)
    return record(session, kind, listing, action=action, from_status=from_status, actor=actor, reason=reason,
                  details=details, merged_into_id=merged_into_id)
