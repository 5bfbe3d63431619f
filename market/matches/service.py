"""Matches as stored relationships.

Every read ranks from the current rows: the pairs listed are upserted (created `suggested`, or
their score, components, reasons and missing refreshed; their status kept). A stored pair that
is no longer eligible is not listed and keeps its status; it can still be read and declined, not
moved forward. Either party moves a match (`cooperation`); contact details of both sides are
shown once both agreed. A match whose initiative or candidate is not published is hidden, like
the listing itself.
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
from market.matches import ranking
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
from market.vocabulary import CANDIDATE_KINDS, CandidateKind, ListingKind, MatchStatus, MatchTarget, Side
from matching import types as m
from matching.scoring import DEFAULT_FLOOR

PAIR = ("initiative_id", "candidate_kind", "candidate_id")
REFRESHED = ("score", "components", "reasons", "missing", "updated_at")
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


def _item(found: m.Match, kind: CandidateKind, initiative: Any, candidate: Any, stored: tuple[int, MatchStatus],
          viewer: Identity | None) -> MatchItem:
    match_id, status = stored
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


async def _store(session: AsyncSession, found: list[tuple[Key, m.Match]]) -> dict[Key, tuple[int, MatchStatus]]:
    """Upsert the listed pairs in one statement; return each pair's (match id, status)."""
    if not found:
        return {}
    now = utcnow()
    rows = [
        {"initiative_id": key[0], "candidate_kind": key[1], "candidate_id": key[2], "score": match.score,
         "components": dict(match.components), "reasons": list(match.reasons), "missing": list(match.missing),
         "status": "suggested", "created_at": now, "updated_at": now}
        for key, match in dict(found).items()
    ]
    stmt = insert_for(session)(Match).values(rows)
    stmt = stmt.on_conflict_do_update(index_elements=list(PAIR), set_={c: stmt.excluded[c] for c in REFRESHED})
    result = await session.execute(
        stmt.returning(Match.id, Match.initiative_id, Match.candidate_kind, Match.candidate_id, Match.status)
    )
    return {(r.initiative_id, r.candidate_kind, r.candidate_id): (r.id, r.status) for r in result}


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
    """Ranked candidates of one kind (or of all three, each up to `limit`, merged by score)."""
    initiative = await published_one(session, "initiative", initiative_id)
    wanted = [kind] if kind else list(CANDIDATE_KINDS)
    ranked, unlock = await ranking.rank_for_initiative(session, pools, initiative, wanted, limit=limit, model=model,
                                                      floor=floor)
    found = [((initiative.id, r.kind, int(x.candidate_id)), x) for r in ranked for x in r.ranking.matches]
    stored = await _store(session, found)
    items = [
        _item(x, r.kind, initiative, r.rows[int(x.candidate_id)], stored[(initiative.id, r.kind, int(x.candidate_id))],
              viewer)
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
    ranked = await ranking.rank_for_candidate(session, pools, kind, candidate, limit=limit, model=model, floor=floor)
    found = [((int(x.initiative_id), kind, candidate.id), x) for x in ranked.ranking.matches]
    stored = await _store(session, found)
    items = [
        _item(x, kind, ranked.rows[int(x.initiative_id)], candidate, stored[(int(x.initiative_id), kind, candidate.id)],
              viewer)
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
                  model: str | None) -> Explain:
    """Why a pair does or does not match; refreshes the stored match of the pair when there is one."""
    initiative = await published_one(session, "initiative", initiative_id)
    candidate = await published_one(session, kind, candidate_id)
    explanation = await ranking.explain_pair(session, initiative, kind, candidate, model=model)
    match = await _stored_pair(session, initiative.id, kind, candidate.id)
    if match is not None:
        _refresh(match, explanation)
        await session.flush()
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
        score=match.score,
        components=dict(match.components or {}),
        reasons=list(match.reasons or []),
        missing=list(match.missing or []),
        eligible=explanation.eligible,
        blocking=[rule.detail for rule in explanation.rules if not rule.passed],
        initiative_interest_at=match.initiative_interest_at,
        candidate_interest_at=match.candidate_interest_at,
        contacts=_contacts(match.status, initiative, match.candidate_kind, candidate, viewer),
        history=[MatchEventOut(side=e.side, from_status=e.from_status, to_status=e.to_status, at=e.at)
                 for e in match.events],
        created_at=match.created_at,
        updated_at=match.updated_at,
    )


async def read(session: AsyncSession, match_id: int, *, model: str | None, viewer: Identity | None = None) -> MatchOut:
    match, initiative, candidate = await _load(session, match_id)
    explanation = await ranking.explain_pair(session, initiative, match.candidate_kind, candidate, model=model)
    _refresh(match, explanation)
    await session.flush()
    return _out(match, initiative, candidate, explanation, viewer)


async def move(session: AsyncSession, match_id: int, to: MatchTarget, side: Side | None, *, actor: Identity | None,
               model: str | None) -> MatchOut:
    """The actor moves the match to `to` for the side whose organisation it acts for
    (`access.acting_side`: `side` is needed only from an account on both sides; nobody else acts)."""
    access.signed_in(actor)
    match, initiative, candidate = await _load(session, match_id)
    side = access.acting_side(actor, initiative, match.candidate_kind, candidate, side)
    cooperation.check(match, to, side)
    explanation = await ranking.explain_pair(session, initiative, match.candidate_kind, candidate, model=model)
    if to != "declined" and not explanation.eligible:
        failed = "; ".join(rule.detail for rule in explanation.rules if not rule.passed)
        raise InvalidTransition(
            f"ce rapprochement ne remplit plus les conditions ({failed}) : il peut seulement être décliné",
            field="status",
        )
    await _claim(session, match, to, side)
    _refresh(match, explanation)
    event = cooperation.transition(match, to, side)
    await session.flush()
    await notifications.match_moved(session, match, initiative, candidate, event)
    return _out(match, initiative, candidate, explanation, actor)


async def _claim(session: AsyncSession, match: Match, to: MatchTarget, side: Side) -> None:
    """Move the stored row only if it is still in the state this request read and checked: every
    transition changes the status, so of two concurrent moves exactly one changes a row (on
    PostgreSQL the second UPDATE waits for the first's row lock, then finds the new status; on
    SQLite the writes are serialised) and the other gets a 409, its transaction rolled back."""
    with session.no_autoflush:
        changed = await rows_changed(session, update(Match).where(Match.id == match.id, Match.status == match.status)
                                     .values(status=to).execution_options(synchronize_session=False))
    if not changed:
        raise InvalidTransition(
            "ce rapprochement vient d'être modifié par l'autre partie : relisez-le avant d'agir", field="status")
