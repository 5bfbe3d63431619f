"""Matches as stored relationships.

Reading is never writing: a ranking, an explanation or a match read computes from the current rows
and stores nothing. A pair is stored when a party acts on it (`act`: the row is created and moved
in one statement), and its score, components, reasons and missing are refreshed when it moves.
Who is in discussion with whom is the parties' business: the stored status and id of a pair are
shown to its parties and the staff only; anyone else sees every ranked pair as `suggested`.
A stored pair that is no longer eligible is not listed and keeps its status; it can still be read
and declined, not moved forward. Either party moves a match (`cooperation`); contact details of
both sides are shown once both agreed. A match whose initiative or candidate is not published is
hidden, like the listing itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.db import insert_for, rows_changed
from market.errors import InvalidTransition, NotFound
from market.listings import kinds
from market.matches import cache, ranking
from market.matches import settings as tuning
from market.matches import workflow as cooperation
from market.matches.pools import CandidatePools
from market.matches.profiles import published_one
from market.matches.schemas import (
    ContactOut,
    Contacts,
    Explain,
    ListingRef,
    MatchEventOut,
    MatchItem,
    MatchOut,
    MatchPage,
)
from market.models import Match, utcnow
from market.notifications import events as notifications
from market.vocabulary import (
    CANDIDATE_KINDS,
    CandidateKind,
    DeclineReason,
    ListingKind,
    MatchStatus,
    MatchTarget,
    Side,
)
from matching import types as m
from matching.scoring import DEFAULT_FLOOR

PAIR = ("initiative_id", "candidate_kind", "candidate_id")
Key = tuple[int, CandidateKind, int]


# --- output pieces --------------------------------------------------------------------------


def listing_ref(kind: ListingKind, item: Any) -> ListingRef:
    spec = kinds.KINDS[kind]
    commune = getattr(item, "commune", None)
    own_name = getattr(item, "actor_name", None) or getattr(item, "business_name", None)
    return ListingRef(
        kind=kind,
        id=item.id,
        slug=item.slug,
        title=spec.title(item),
        organisation=own_name or (item.organisation.name if item.organisation else None),
        commune=commune.code if commune else None,
        commune_name=commune.name if commune else None,
        department=commune.department_code if commune else None,
        themes=list(item.themes or []),
        url=spec.url(item),
    )


def _contact(item: Any) -> ContactOut:
    return ContactOut(name=item.contact_name, email=item.contact_email, phone=item.contact_phone)


def _contacts(status: str, initiative: Any, kind: str, candidate: Any, viewer: Identity | None) -> Contacts | None:
    """Both sides' contacts, once both agreed, for the parties (and the staff) only."""
    if not cooperation.contacts_visible(status) or not access.is_party(viewer, initiative, kind, candidate):
        return None
    return Contacts(initiative=_contact(initiative), candidate=_contact(candidate))


def _item(found: m.Match, kind: CandidateKind, initiative: Any, candidate: Any,
          stored: tuple[int, MatchStatus] | None, viewer: Identity | None) -> MatchItem:
    match_id, status = _seen(stored, initiative, kind, candidate, viewer)
    return MatchItem(
        candidate=listing_ref(kind, candidate),
        initiative=listing_ref("initiative", initiative),
        kind=kind,
        score=found.score,
        components=dict(found.components),
        reasons=list(found.reasons),
        missing=list(found.missing),
        match_id=match_id,
        status=status,
        contacts=_contacts(status, initiative, kind, candidate, viewer),
    )


def _notes(rankings: list[m.Ranking]) -> list[str]:
    return list(dict.fromkeys(n for r in rankings for n in (r.note, r.floor_note) if n))


# --- storing what the engine found ----------------------------------------------------------


def _seen(stored: tuple[int, MatchStatus] | None, initiative: Any, kind: str, candidate: Any,
          viewer: Identity | None) -> tuple[int | None, MatchStatus]:
    """The match id and status a viewer may see: the stored ones for the parties and the staff; for
    anyone else (or a pair nobody acted on) no id and `suggested`, what the ranking says."""
    if stored is None or not access.is_party(viewer, initiative, kind, candidate):
        return None, "suggested"
    return stored


async def _stored(session: AsyncSession, keys: list[Key]) -> dict[Key, tuple[int, MatchStatus]]:
    """The (match id, status) of the listed pairs that are stored, in one query; nothing is written."""
    if not keys:
        return {}
    initiative_ids, candidate_ids = {k[0] for k in keys}, {k[2] for k in keys}
    rows = await session.execute(
        select(Match.id, Match.initiative_id, Match.candidate_kind, Match.candidate_id, Match.status)
        .where(Match.initiative_id.in_(initiative_ids), Match.candidate_id.in_(candidate_ids))
    )
    wanted = set(keys)
    found = {(r.initiative_id, r.candidate_kind, r.candidate_id): (r.id, r.status) for r in rows}
    return {key: value for key, value in found.items() if key in wanted}


def _refresh(match: Match, explanation: m.Explanation) -> None:
    match.score = explanation.score
    match.components = dict(explanation.components)
    match.reasons = list(explanation.reasons)
    match.missing = list(explanation.missing)


async def _stored_pair(session: AsyncSession, initiative_id: int, kind: str, candidate_id: int) -> Match | None:
    return await session.scalar(
        select(Match).where(Match.initiative_id == initiative_id, Match.candidate_kind == kind,
                            Match.candidate_id == candidate_id)
    )


# --- rankings -------------------------------------------------------------------------------


async def for_initiative(session: AsyncSession, pools: CandidatePools, initiative_id: int,
                         kind: CandidateKind | None, *, limit: int, model: str | None,
                         viewer: Identity | None = None, floor: int = DEFAULT_FLOOR) -> MatchPage:
    """Ranked candidates of one kind (or of all three, each up to `limit`, merged by score), under the
    stored matching settings (`floor` when none is stored)."""
    initiative = await published_one(session, "initiative", initiative_id)
    wanted = [kind] if kind else list(CANDIDATE_KINDS)
    tuned = await tuning.in_force(session, floor)
    ranked, unlock = await cache.rank_for_initiative(session, pools, initiative, wanted, limit=limit, model=model,
                                                    floor=tuned.floor, weights=tuned.weights)
    found = [((initiative.id, r.kind, int(x.candidate_id)), x) for r in ranked for x in r.ranking.matches]
    stored = await _stored(session, [key for key, _ in found])
    items = [
        _item(x, r.kind, initiative, r.rows[int(x.candidate_id)],
              stored.get((initiative.id, r.kind, int(x.candidate_id))), viewer)
        for r in ranked
        for x in r.ranking.matches
    ]
    items.sort(key=lambda item: -item.score)  # stable: each kind keeps the engine's order among ties
    rankings = [r.ranking for r in ranked]
    return MatchPage(
        items=items,
        eligible_count={r.kind: r.ranking.eligible_count for r in ranked},
        semantic=all(r.semantic for r in rankings),
        notes=_notes(rankings),
        unlock=list(unlock),
    )


async def for_candidate(session: AsyncSession, pools: CandidatePools, kind: CandidateKind, candidate_id: int, *,
                        limit: int, model: str | None, viewer: Identity | None = None,
                        floor: int = DEFAULT_FLOOR) -> MatchPage:
    """Ranked initiatives for one candidate (reverse browsing), in the same item shape."""
    candidate = await published_one(session, kind, candidate_id)
    tuned = await tuning.in_force(session, floor)
    ranked = await ranking.rank_for_candidate(session, pools, kind, candidate, limit=limit, model=model,
                                              floor=tuned.floor, weights=tuned.weights)
    found = [((int(x.initiative_id), kind, candidate.id), x) for x in ranked.ranking.matches]
    stored = await _stored(session, [key for key, _ in found])
    items = [
        _item(x, kind, ranked.rows[int(x.initiative_id)], candidate,
              stored.get((int(x.initiative_id), kind, candidate.id)), viewer)
        for x in ranked.ranking.matches
    ]
    return MatchPage(
        items=items,
        eligible_count={"initiative": ranked.ranking.eligible_count},
        semantic=ranked.ranking.semantic,
        notes=_notes([ranked.ranking]),
        unlock=[],
    )


async def explain(session: AsyncSession, initiative_id: int, kind: CandidateKind, candidate_id: int, *,
                  model: str | None, viewer: Identity | None = None) -> Explain:
    """Why a pair does or does not match; the stored match's id and status for its parties only."""
    initiative = await published_one(session, "initiative", initiative_id)
    candidate = await published_one(session, kind, candidate_id)
    explanation = await _explain(session, initiative, kind, candidate, model)
    match = await _stored_pair(session, initiative.id, kind, candidate.id)
    if match is not None and not access.is_party(viewer, initiative, kind, candidate):
        match = None
    return Explain(
        initiative=listing_ref("initiative", initiative),
        candidate=listing_ref(kind, candidate),
        kind=kind,
        eligible=explanation.eligible,
        rules=list(explanation.rules),
        score=explanation.score,
        components=dict(explanation.components),
        reasons=list(explanation.reasons),
        missing=list(explanation.missing),
        semantic=explanation.semantic,
        match_id=match.id if match else None,
        status=match.status if match else None,
    )


# --- one match ------------------------------------------------------------------------------


async def _load(session: AsyncSession, match_id: int) -> tuple[Match, Any, Any]:
    """The match and both its listings; hidden (404) when either listing is not published."""
    match = await session.get(Match, match_id)
    if match is None:
        raise NotFound(f"rapprochement {match_id} introuvable")
    try:
        initiative = await published_one(session, "initiative", match.initiative_id)
        candidate = await published_one(session, match.candidate_kind, match.candidate_id)
    except NotFound as exc:
        raise NotFound(f"rapprochement {match_id} introuvable") from exc
    return match, initiative, candidate


def _out(match: Match, initiative: Any, candidate: Any, explanation: m.Explanation,
         viewer: Identity | None) -> MatchOut:
    return MatchOut(
        id=match.id,
        kind=match.candidate_kind,
        initiative=listing_ref("initiative", initiative),
        candidate=listing_ref(match.candidate_kind, candidate),
        status=match.status,
        decline_reason=match.decline_reason,
        score=explanation.score,
        components=dict(explanation.components),
        reasons=list(explanation.reasons),
        missing=list(explanation.missing),
        eligible=explanation.eligible,
        blocking=[rule.detail for rule in explanation.rules if not rule.passed],
        initiative_interest_at=match.initiative_interest_at,
        candidate_interest_at=match.candidate_interest_at,
        contacts=_contacts(match.status, initiative, match.candidate_kind, candidate, viewer),
        history=[MatchEventOut(side=e.side, from_status=e.from_status, to_status=e.to_status, reason=e.reason,
                               at=e.at) for e in match.events],
        created_at=match.created_at,
        updated_at=match.updated_at,
    )


async def read(session: AsyncSession, match_id: int, *, model: str | None, viewer: Identity | None = None) -> MatchOut:
    """One match for its parties and the staff (401 anonymous, 404 for anyone else: an id tells
    nobody who talks with whom); the engine's current view of the pair, nothing stored."""
    access.signed_in(viewer)
    match, initiative, candidate = await _load(session, match_id)
    if not access.is_party(viewer, initiative, match.candidate_kind, candidate):
        raise NotFound(f"rapprochement {match_id} introuvable")
    explanation = await _explain(session, initiative, match.candidate_kind, candidate, model)
    return _out(match, initiative, candidate, explanation, viewer)


async def move(session: AsyncSession, match_id: int, to: MatchTarget, side: Side | None, *, actor: Identity | None,
               model: str | None, reason: DeclineReason | None = None) -> MatchOut:
    """The actor moves the match to `to` for the side whose organisation it acts for
    (`access.acting_side`: `side` is needed only from an account on both sides; nobody else acts);
    a refusal may say why (`reason`)."""
    access.signed_in(actor)
    cooperation.check_reason(to, reason)
    match, initiative, candidate = await _load(session, match_id)
    side = access.acting_side(actor, initiative, match.candidate_kind, candidate, side)
    cooperation.check(match, to, side)
    explanation = await _checked_pair(session, initiative, match.candidate_kind, candidate, to, model)
    await _claim(session, match, to, side)
    _refresh(match, explanation)
    event = cooperation.transition(match, to, side, reason=reason)
    await session.flush()
    await notifications.match_moved(session, match, initiative, candidate, event)
    return _out(match, initiative, candidate, explanation, actor)


def _raced() -> InvalidTransition:
    return InvalidTransition("ce rapprochement vient d'être modifié par l'autre partie : relisez-le avant d'agir",
                             field="status")


async def _explain(session: AsyncSession, initiative: Any, kind: str, candidate: Any,
                   model: str | None) -> m.Explanation:
    """The engine's view of the pair under the stored weights."""
    weights = (await tuning.in_force(session)).weights
    return await ranking.explain_pair(session, initiative, kind, candidate, model=model, weights=weights)


async def _checked_pair(session: AsyncSession, initiative: Any, kind: str, candidate: Any, to: MatchTarget,
                        model: str | None) -> m.Explanation:
    """The engine's view of the pair; only a refusal goes on when the pair no longer qualifies."""
    explanation = await _explain(session, initiative, kind, candidate, model)
    if to != "declined" and not explanation.eligible:
        failed = "; ".join(rule.detail for rule in explanation.rules if not rule.passed)
        raise InvalidTransition(
            f"ce rapprochement ne remplit plus les conditions ({failed}) : il peut seulement être décliné",
            field="status",
        )
    return explanation


async def act(session: AsyncSession, initiative_id: int, kind: CandidateKind, candidate_id: int, to: MatchTarget,
              side: Side | None, *, actor: Identity | None, model: str | None,
              reason: DeclineReason | None = None) -> tuple[MatchOut, bool]:
    """A party acts on a ranked pair: the stored match moves (as `move`), or, when nobody acted on
    the pair yet, the match is created and moved at once. Returns the match and whether it was
    created. Of two parties creating the same pair at the same moment, one wins, the other gets 409."""
    access.signed_in(actor)
    cooperation.check_reason(to, reason)
    initiative = await published_one(session, "initiative", initiative_id)
    candidate = await published_one(session, kind, candidate_id)
    stored = await _stored_pair(session, initiative.id, kind, candidate.id)
    if stored is not None:
        return await move(session, stored.id, to, side, actor=actor, model=model, reason=reason), False
    side = access.acting_side(actor, initiative, kind, candidate, side)
    cooperation.check(Match(status="suggested"), to, side)
    explanation = await _checked_pair(session, initiative, kind, candidate, to, model)
    now = utcnow()
    stmt = insert_for(session)(Match).values(
        initiative_id=initiative.id, candidate_kind=kind, candidate_id=candidate.id, status="suggested",
        score=explanation.score, components=dict(explanation.components), reasons=list(explanation.reasons),
        missing=list(explanation.missing), created_at=now, updated_at=now,
    )
    with session.no_autoflush:
        match_id = await session.scalar(stmt.on_conflict_do_nothing(index_elements=list(PAIR)).returning(Match.id))
    if match_id is None:  # the other party created it since this request read the pair
        raise _raced()
    match = await session.get(Match, match_id)
    assert match is not None
    event = cooperation.transition(match, to, side, reason=reason)
    await session.flush()
    await notifications.match_moved(session, match, initiative, candidate, event)
    return _out(match, initiative, candidate, explanation, actor), True


async def _claim(session: AsyncSession, match: Match, to: MatchTarget, side: Side) -> None:
    """Move the stored row only if it is still in the state this request read and checked: every
    transition changes the status, so of two concurrent moves exactly one changes a row (on
    PostgreSQL the second UPDATE waits for the first's row lock, then finds the new status; on
    SQLite the writes are serialised) and the other gets a 409, its transaction rolled back."""
    with session.no_autoflush:
        changed = await rows_changed(session, update(Match).where(Match.id == match.id, Match.status == match.status)
                                     .values(status=to).execution_options(synchronize_session=False))
    if not changed:
        raise _raced()
