"""Request and response bodies of the matches routes (msgspec Structs)."""

from __future__ import annotations

from datetime import datetime

from market.schemas import Body, Id, Out
from market.vocabulary import CandidateKind, DeclineReason, ListingKind, MatchStatus, MatchTarget, Side
from matching.types import Rule, Unlock


class MatchUpdate(Body):
    """A party moves the match. The side is the one whose organisation the account acts for; `side`
    is needed only from an account that acts for both (and must be one of its own). `reason`, for a
    refusal only: why (not_relevant, already_in_touch, later), optional."""

    status: MatchTarget
    side: Side | None = None
    reason: DeclineReason | None = None


class MatchCreate(Body):
    """A party acts on a ranked pair nobody acted on yet (or on its stored match): the match is
    stored and moved at once. Same `status` and `side` as `MatchUpdate`."""

    initiative_id: Id
    candidate_kind: CandidateKind
    candidate_id: Id
    status: MatchTarget
    side: Side | None = None
    reason: DeclineReason | None = None


class ListingRef(Out):
    """Enough of a listing to show it in a list of matches; the whole listing is at `url`."""

    kind: ListingKind
    id: int
    slug: str
    title: str
    organisation: str | None
    commune: str | None
    commune_name: str | None
    department: str | None
    themes: list[str]
    url: str


class ContactOut(Out):
    name: str | None
    email: str | None
    phone: str | None


class Contacts(Out):
    """Both parties' contact details, present once both agreed (in_discussion or partnership)."""

    initiative: ContactOut
    candidate: ContactOut


class MatchItem(Out):
    candidate: ListingRef
    initiative: ListingRef
    kind: CandidateKind
    score: int
    components: dict[str, float]
    reasons: list[str]
    missing: list[str]
    match_id: int | None  # null until a party acts on the pair, and for anyone but its parties and the staff
    status: MatchStatus  # the stored status for the parties and the staff; `suggested` for anyone else
    contacts: Contacts | None


class MatchPage(Out):
    """Ranked matches, best first. `eligible_count` counts every eligible candidate by kind (the
    items stop at `limit` per kind); `semantic` is false when any ranking ran without text
    similarity (`notes` says why); `unlock` lists the changes that would make more candidates eligible."""

    items: list[MatchItem]
    eligible_count: dict[str, int]
    semantic: bool
    notes: list[str]
    unlock: list[Unlock]


class Explain(Out):
    initiative: ListingRef
    candidate: ListingRef
    kind: CandidateKind
    eligible: bool
    rules: list[Rule]
    score: int
    components: dict[str, float]
    reasons: list[str]
    missing: list[str]
    semantic: bool
    match_id: int | None
    status: MatchStatus | None


class MatchEventOut(Out):
    side: Side
    from_status: MatchStatus
    to_status: MatchStatus
    reason: DeclineReason | None  # a refusal's reason, when one was given
    at: datetime


class MatchOut(Out):
    """One match as both parties see it: its state, the engine's current view of the pair
    (`eligible` false with the failed rules in `blocking` when the pair no longer qualifies) and,
    once both agreed, the contact details."""

    id: int
    kind: CandidateKind
    initiative: ListingRef
    candidate: ListingRef
    status: MatchStatus
    decline_reason: DeclineReason | None
    score: int
    components: dict[str, float]
    reasons: list[str]
    missing: list[str]
    eligible: bool
    blocking: list[str]
    initiative_interest_at: datetime | None
    candidate_interest_at: datetime | None
    contacts: Contacts | None
    history: list[MatchEventOut]
    created_at: datetime
    updated_at: datetime
