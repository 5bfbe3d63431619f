"""The cooperation levels of a match: suggested -> contacted -> in_discussion -> partnership, or declined.

- contacted: one side expressed interest (its `*_interest_at` is set);
- in_discussion: the other side agreed too (mutual opt-in: contact details are shown from here);
- partnership: from in_discussion, by either side;
- declined: from any open state (suggested, contacted, in_discussion), by either side.
Partnership and declined are final. Anything else is an InvalidTransition (409).
"""

from __future__ import annotations

from datetime import datetime

from market.errors import InvalidTransition
from market.models import Match, MatchEvent, utcnow
from market.vocabulary import MatchTarget, Side

OPEN = frozenset({"suggested", "contacted", "in_discussion"})
AGREED = frozenset({"in_discussion", "partnership"})
STATE_LABELS = {
    "suggested": "suggéré",
    "contacted": "contact pris",
    "in_discussion": "en discussion",
    "partnership": "partenariat",
    "declined": "décliné",
}


def interest_of(match: Match, side: str) -> datetime | None:
    return match.initiative_interest_at if side == "initiative" else match.candidate_interest_at


def _mark_interest(match: Match, side: str, at: datetime) -> None:
    if side == "initiative":
        match.initiative_interest_at = at
    else:
        match.candidate_interest_at = at


def _refuse(match: Match, to: str, why: str) -> InvalidTransition:
    return InvalidTransition(
        f"un rapprochement « {STATE_LABELS[match.status]} » ne peut pas passer à « {STATE_LABELS[to]} » : {why}",
        field="status",
    )


def check(match: Match, to: str, side: str) -> None:
    """Raise InvalidTransition unless `side` may move `match` to `to` now."""
    current = match.status
    if current not in OPEN:
        raise _refuse(match, to, "cet état est définitif")
    if to == "contacted" and current != "suggested":
        raise _refuse(match, to, "l'intérêt a déjà été exprimé")
    if to == "in_discussion":
        if current == "suggested":
            raise _refuse(match, to, "l'une des parties doit d'abord manifester son intérêt (contacted)")
        if current == "in_discussion":
            raise _refuse(match, to, "les deux parties ont déjà accepté")
        if interest_of(match, side) is not None:
            raise _refuse(match, to, "c'est à l'autre partie d'accepter")
    if to == "partnership" and current != "in_discussion":
        raise _refuse(match, to, "un partenariat suit une mise en discussion acceptée par les deux parties")


def transition(match: Match, to: MatchTarget, side: Side, at: datetime | None = None) -> MatchEvent:
    """Move the match, record who did it, and return the history entry (added to `match.events`)."""
    check(match, to, side)
    at = at or utcnow()
    if to in ("contacted", "in_discussion"):
        _mark_interest(match, side, at)
    event = MatchEvent(side=side, from_status=match.status, to_status=to, at=at)
    match.status = to
    match.updated_at = at
    match.events.append(event)
    return event


def contacts_visible(status: str) -> bool:
    """Mutual opt-in: each side's contact details are shown once both agreed."""
    return status in AGREED
