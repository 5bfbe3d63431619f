"""The moderation workflow: draft -> pending_review -> published -> rejected / archived / merged."""

from __future__ import annotations

from typing import Any

from market.errors import InvalidTransition
from market.models import utcnow

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
