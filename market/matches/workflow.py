"""The cooperation levels of a match: suggested -> contacted -> in_discussion -> partnership, or declined.

- contacted: one side expressed interest (its `*_interest_at` is set);
- in_discussion: the other side agreed too (mutual opt-in: contact details are shown from here);
- partnership: from in_discussion, by either side;
- declined: from any open state (suggested, contacted, in_discussion), by either side, with an
  optional reason (`DECLINE_REASONS`: not relevant, already in touch, later) kept on the match and
  its history entry; a reason goes with a refusal only.
Partnership and declined are final. Anything else is an InvalidTransition (409).
"""

from __future__ import annotations

from datetime import datetime

from market.errors import InvalidField, InvalidTransition
from market.models import Match, MatchEvent, utcnow
from market.vocabulary import DECLINE_REASONS, DeclineReason, MatchTarget, Side

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


def check_reason(to: str, reason: str | None) -> None:
    """A reason is one of the codes, and only for a refusal (400 naming `reason` otherwise)."""
    if reason is None:
        return
    if reason not in DECLINE_REASONS:
        known = ", ".join(f"{code} ({label})" for code, label in DECLINE_REASONS.items())
        raise InvalidField(f"motif de refus inconnu : « {reason} » ; motifs possibles : {known}", field="reason")
    if to != "declined":
        raise InvalidField("un motif ne s'indique qu'en déclinant le rapprochement (status « declined »)",
                           field="reason")


def transition(match: Match, to: MatchTarget, side: Side, at: datetime | None = None,
               reason: DeclineReason | None = None) -> MatchEvent:
    """Move the match, record who did it (and why, for a refusal), and return the history entry
    (added to `match.events`)."""
    check_reason(to, reason)
    check(match, to, side)
    at = at or utcnow()
    if to in ("contacted", "in_discussion"):
        _mark_interest(match, side, at)
    if to == "declined":
        match.decline_reason = reason
    event = MatchEvent(side=side, from_status=match.status, to_status=to, reason=reason, at=at)
    match.status = to
    match.updated_at = at
    match.events.append(event)
    return event


def contacts_visible(status: str) -> bool:
    """Mutual opt-in: each side's contact details are shown once both agreed."""
    return status in AGREED
