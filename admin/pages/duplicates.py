"""Duplicates: the candidate pairs of one kind with each signal's score, a pair side by side, and the
merge where the moderator picks, field by field, the value that survives."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import render, spec_of
from admin.services import duplicates
from admin.services.similarity import THRESHOLD, compare
from api.deps import EmbedderDep, parse_id
from api.pages.common import form_errors, form_values, see_other
from market.access import Identity
from market.config import Settings
from market.errors import DomainError, InvalidField
from market.listings import kinds
from market.listings import service as listings
from market.moderation.workflow import STATE_LABELS


@get("/doublons", name="admin-duplicates")
async def candidates(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity) -> Template:
    resource = request.query_params.get("type", "initiatives")
    spec = spec_of(resource)
    found = await duplicates.candidates(db_session, staff, spec)
    return render("admin/duplicates.html", staff, title="Doublons possibles", spec=spec, found=found,
                  threshold=THRESHOLD, specs=list(kinds.KINDS.values()))


async def _pair_page(db_session: AsyncSession, staff: Identity, resource: str, first: str, second: str,
                     errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                     status_code: int = 200) -> Template:
    spec = spec_of(resource)
    a = await listings.load(db_session, spec, parse_id(first, spec.label))
    b = await listings.load(db_session, spec, parse_id(second, spec.label))
    rows = [(f, duplicates.shown_value(a, f), duplicates.shown_value(b, f)) for f in duplicates.choosable(spec)]
    signals = compare(duplicates.profile(spec, a), duplicates.profile(spec, b))
    return render("admin/pair.html", staff, status_code=status_code, title="Comparer deux annonces", spec=spec,
                  a=a, b=b, rows=rows, signals=signals, states=STATE_LABELS, errors=errors or {},
                  values=values or {})


@get("/doublons/{resource:str}/{first:str}/{second:str}", name="admin-pair")
async def pair(db_session: AsyncSession, staff: Identity, resource: str, first: str, second: str) -> Template:
    return await _pair_page(db_session, staff, resource, first, second)


@post("/doublons/{resource:str}/{first:str}/{second:str}", name="admin-pair-merge")
async def merge(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity, settings: Settings,
                embedder: EmbedderDep, resource: str, first: str, second: str) -> Template | Redirect:
    values, _ = await form_values(request)
    spec = spec_of(resource)
    ids = {"a": parse_id(first, spec.label), "b": parse_id(second, spec.label)}
    keep = values.get("keep", "")
    try:
        if keep not in ids:
            raise InvalidField("choisissez l'annonce qui reste", field="keep")
        drop = "b" if keep == "a" else "a"
        from_dropped = [f for f in duplicates.choosable(spec) if values.get(f"champ.{f}") == drop]
        await duplicates.merge(db_session, staff, spec, ids[keep], ids[drop], from_dropped,
                               values.get("reason") or None, settings, embedder)
    except (DomainError, msgspec.ValidationError) as exc:
        await db_session.rollback()
        status = exc.status_code if isinstance(exc, DomainError) else 400
        return await _pair_page(db_session, staff, resource, first, second, errors=form_errors(exc), values=values,
                                status_code=status)
    return see_other(f"/admin/moderation/{resource}/{ids[keep]}")


DUPLICATE_PAGES = [candidates, pair, merge]
