"""Duplicate listings: candidates found on demand among the published and waiting listings of one
kind (each pair with the score of each signal, `similarity`), and the merge that lets the moderator
choose, field by field, which value the surviving listing keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin.services.similarity import Profile, Signals, compare
from market import access
from market.access import Identity
from market.config import Settings
from market.errors import InvalidField
from market.listings import kinds
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.moderation import service as review
from matching.semantic import Embedder

LIVE = ("published", "pending_review")
NOT_CHOSEN = frozenset({"area"})  # an area is a set of territories: edited on the listing, not picked here


@dataclass(frozen=True)
class Candidate:
    a: Any
    b: Any
    signals: Signals


def profile(spec: KindSpec, item: Any) -> Profile:
    commune = getattr(item, "commune", None)
    organisation = item.organisation
    siren = getattr(item, "siren", None) or (organisation.siren if organisation else None)
    return Profile(spec.title(item), item.description, commune.lat if commune else None,
                   commune.lon if commune else None, siren, getattr(item, "rna", None))


def _department(item: Any) -> str | None:
    commune = getattr(item, "commune", None)
    return commune.department_code if commune else None


async def live(session: AsyncSession, spec: KindSpec) -> list[Any]:
    rows = await session.scalars(select(spec.model).where(spec.model.status.in_(LIVE)).order_by(spec.model.id))
    return list(rows.unique())


def _pairs(spec: KindSpec, items: list[Any], against: list[Any]) -> list[Candidate]:
    """Compared only within a department (or when a side has no commune): duplicates entered twice
    are near each other, and it keeps the comparisons few."""
    found, seen = [], set()
    profiles = {id(i): profile(spec, i) for i in {*items, *against}}
    for a in items:
        for b in against:
            key = tuple(sorted((a.id, b.id)))
            if a.id == b.id or key in seen:
                continue
            seen.add(key)
            da, db = _department(a), _department(b)
            if da and db and da != db and not _same_identifier(profiles[id(a)], profiles[id(b)]):
                continue
            signals = compare(profiles[id(a)], profiles[id(b)])
            if signals.candidate:
                first, second = (a, b) if a.id < b.id else (b, a)
                found.append(Candidate(first, second, signals))
    return sorted(found, key=lambda c: -c.signals.score)


def _same_identifier(a: Profile, b: Profile) -> bool:
    return bool((a.siren and a.siren == b.siren) or (a.rna and a.rna == b.rna))


async def candidates(session: AsyncSession, actor: Identity | None, spec: KindSpec) -> list[Candidate]:
    access.staff(actor)
    items = await live(session, spec)
    return _pairs(spec, items, items)


async def for_listing(session: AsyncSession, actor: Identity | None, spec: KindSpec, item: Any) -> list[Candidate]:
    """The possible duplicates of one listing (shown when a moderator reviews it)."""
    access.staff(actor)
    return _pairs(spec, [item], await live(session, spec))


async def for_queue(session: AsyncSession, actor: Identity | None,
                    items: list[Any]) -> dict[tuple[str, int], list[Candidate]]:
    """The possible duplicates of each listing of the moderation queue, by (kind, id): every listing
    written (created, or edited in a field that sends it back to review) is checked against the
    live listings of its kind before anyone publishes it, without the moderator asking."""
    access.staff(actor)
    found: dict[tuple[str, int], list[Candidate]] = {}
    for kind in {item.kind for item in items}:
        spec = kinds.KINDS[kind]
        rows = await live(session, spec)
        by_id = {row.id: row for row in rows}
        waiting = [by_id[item.id] for item in items if item.kind == kind and item.id in by_id]
        for candidate in _pairs(spec, waiting, rows):
            for side in (candidate.a, candidate.b):
                found.setdefault((kind, side.id), []).append(candidate)
    return found


def choosable(spec: KindSpec) -> list[str]:
    return [f for f in spec.update.__struct_fields__ if f not in NOT_CHOSEN and f != "organisation_id"]


def value(item: Any, field: str) -> Any:
    """A listing's value of an updatable field, as its update body takes it."""
    if field == "commune":
        return item.commune_code
    if field == "contact":
        contact = {"name": item.contact_name, "email": item.contact_email}
        return contact | ({"phone": item.contact_phone} if item.contact_phone else {})
    return msgspec.to_builtins(getattr(item, field))


def shown_value(item: Any, field: str) -> Any:
    if field == "commune":
        return f"{item.commune.name} ({item.commune_code})"
    return value(item, field)


async def merge(session: AsyncSession, actor: Identity | None, spec: KindSpec, keep_id: int, drop_id: int,
                from_dropped: list[str], reason: str | None, settings: Settings,
                embedder: Embedder | None) -> Any:
    """The dropped listing's values of `from_dropped` copied onto the kept one (through the listing
    service: checked and re-indexed as an edit), then the dropped one merged into it (its matches,
    pledges and reports follow; the log names the fields that came from it)."""
    actor = access.staff(actor)
    if keep_id == drop_id:
        raise InvalidField("choisissez deux annonces différentes", field="keep")
    dropped = await listings.load(session, spec, drop_id)
    unknown = [f for f in from_dropped if f not in choosable(spec)]
    if unknown:
        raise InvalidField(f"champ inconnu : « {unknown[0]} »", field=unknown[0])
    if from_dropped:
        body = {f: value(dropped, f) for f in from_dropped}
        data = msgspec.convert(body, spec.update, strict=False)
        await listings.update(session, spec, keep_id, data, actor=actor, settings=settings, embedder=embedder)
    await review.act(session, spec, drop_id, actor, "merge", reason, keep_id, kept_from_source=from_dropped)
    return await listings.load(session, spec, keep_id)
