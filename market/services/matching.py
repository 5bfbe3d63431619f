"""The one service that turns stored rows into matching profiles and calls the engine.

Only published listings take part. Each profile carries its stored embedding when it was made by
the model loaded now (`model`, see `vectors.model_id`); otherwise the engine ranks that pair
without the semantic signal and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from market.errors import NotFound
from market.models import Commune, Department, Epci, Region
from market.services import pools
from market.services.common import KindSpec
from market.services.initiatives import SPEC as INITIATIVES
from market.services.support_providers import SPEC as SUPPORT_PROVIDERS
from market.services.takeovers import SPEC as TAKEOVERS
from market.services.vectors import from_bytes
from market.services.volunteer_offers import SPEC as VOLUNTEER_OFFERS
from matching import engine
from matching import types as m

CANDIDATE_SPECS: dict[str, KindSpec] = {s.kind: s for s in (SUPPORT_PROVIDERS, TAKEOVERS, VOLUNTEER_OFFERS)}
SPECS: dict[str, KindSpec] = {INITIATIVES.kind: INITIATIVES, **CANDIDATE_SPECS}


def today() -> date:
    return datetime.now(UTC).date()


# --- rows -> profiles -----------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """French names of the departments, regions and EPCI the profiles refer to."""

    departments: dict[str, str]
    regions: dict[str, str]
    epcis: dict[str, str]


async def _names(session: AsyncSession, epci_codes: Iterable[str]) -> Names:
    departments = dict((await session.execute(select(Department.code, Department.name))).tuples().all())
    regions = dict((await session.execute(select(Region.code, Region.name))).tuples().all())
    codes = {c for c in epci_codes if c}
    epcis = dict((await session.execute(select(Epci.code, Epci.name).where(Epci.code.in_(codes)))).tuples().all())
    return Names(departments, regions, epcis)


def _place(commune: Commune, names: Names) -> m.Place:
    return m.Place(
        code=commune.code,
        name=commune.name,
        department=commune.department_code,
        region=commune.region_code,
        lat=commune.lat,
        lon=commune.lon,
        epci=commune.epci_code,
        parent=commune.parent_code,
        department_name=names.departments.get(commune.department_code, ""),
        region_name=names.regions.get(commune.region_code, ""),
        epci_name=names.epcis.get(commune.epci_code or "", ""),
    )


def _area(raw: dict[str, Any] | None, communes: dict[str, Commune], names: Names) -> m.Area:
    raw = raw or {}
    regions, departments, epcis = (tuple(raw.get(k) or ()) for k in ("regions", "departments", "epcis"))
    labels = {code: names.regions[code] for code in regions if code in names.regions}
    labels |= {code: names.departments[code] for code in departments if code in names.departments}
    labels |= {code: names.epcis[code] for code in epcis if code in names.epcis}
    return m.Area(
        national=bool(raw.get("national")),
        regions=regions,
        departments=departments,
        epcis=epcis,
        communes=tuple(_place(communes[c], names) for c in raw.get("communes") or () if c in communes),
        radius_km=float(raw.get("radius_km") or 0),
        names=labels,
    )


def _vector(item: Any, model: str | None) -> Any:
    if model is None or item.embedding_model != model:
        return None
    return from_bytes(item.embedding)


def _profile(kind: str, item: Any, names: Names, area_communes: dict[str, Commune], model: str | None) -> Any:
    common = {"id": str(item.id), "description": item.description, "themes": tuple(item.themes or ()),
              "vector": _vector(item, model)}
    if kind == "initiative":
        return m.Initiative(
            **common, title=item.title, place=_place(item.commune, names), maturity=item.maturity,
            economic_purpose=item.economic_purpose, org_form=item.org_form, stance=item.stance,
            needs=tuple(item.needs or ()), skills_needed=tuple(item.skills_needed or ()),
        )
    if kind == "support_provider":
        return m.SupportProvider(
            **common, name=item.name, area=_area(item.area, area_communes, names),
            maturities=tuple(item.maturities or ()), economic_purposes=tuple(item.economic_purposes or ()),
            org_forms=tuple(item.org_forms or ()), stances=tuple(item.stances or ()),
            offers=tuple(item.offers or ()), capacity=item.capacity, free_of_charge=item.free_of_charge,
        )
    if kind == "takeover":
        return m.Takeover(
            **common, direction=item.direction, actor_name=item.actor_name, actor_org_form=item.actor_org_form,
            title=item.title, place=_place(item.commune, names), radius_km=float(item.radius_km),
            min_maturity=item.min_maturity, economic_purposes=tuple(item.economic_purposes or ()),
            deadline=item.deadline,
        )
    return m.VolunteerOffer(
        **common, business_name=item.business_name, title=item.title, skills=tuple(item.skills or ()),
        hours=item.hours, remote_ok=item.remote_ok, place=_place(item.commune, names),
        radius_km=float(item.radius_km),
    )


async def profiles_of(session: AsyncSession, kind: str, items: Sequence[Any], model: str | None = None) -> list[Any]:
    """Profiles of rows of one kind, with the names and area communes they need, in four queries."""
    areas = [item.area or {} for item in items] if kind == "support_provider" else []
    with session.no_autoflush:  # also called while a listing is being written, before its flush
        codes = {code for area in areas for code in area.get("communes") or ()}
        found = await session.scalars(select(Commune).where(Commune.code.in_(codes)))
        area_communes = {commune.code: commune for commune in found}
        epci_codes = {code for area in areas for code in area.get("epcis") or ()}
        epci_codes |= {commune.epci_code for commune in area_communes.values()}
        epci_codes |= {item.commune.epci_code for item in items if kind != "support_provider"}
        names = await _names(session, epci_codes)
    return [_profile(kind, item, names, area_communes, model) for item in items]


async def profile_of(session: AsyncSession, kind: str, item: Any, model: str | None = None) -> Any:
    return (await profiles_of(session, kind, [item], model))[0]


# --- loading published rows -----------------------------------------------------------------


async def published(session: AsyncSession, kind: str) -> list[Any]:
    """Every published listing of a kind, with its stored embedding."""
    model = SPECS[kind].model
    stmt = select(model).where(model.status == "published").options(undefer(model.embedding)).order_by(model.id)
    return list((await session.scalars(stmt)).unique().all())


async def published_one(session: AsyncSession, kind: str, listing_id: int) -> Any:
    spec = SPECS[kind]
    stmt = select(spec.model).where(spec.model.id == listing_id).options(undefer(spec.model.embedding))
    item = (await session.scalars(stmt)).unique().one_or_none()
    if item is None or item.status != "published":
        raise NotFound(f"{spec.label} {listing_id} introuvable")
    return item


# --- calling the engine ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """One ranking of the engine and the rows its matches point to, by id."""

    kind: str
    ranking: m.Ranking
    rows: dict[int, Any]


async def _published_profiles(session: AsyncSession, kind: str, model: str | None) -> pools.Cached:
    async def build() -> list[Any]:
        return await profiles_of(session, kind, await published(session, kind), model)

    return await pools.cached(session, kind, SPECS[kind].model, model, build)


async def _rows(session: AsyncSession, kind: str, ids: Iterable[str]) -> dict[int, Any]:
    """The rows of the listings a ranking points to (published, or they would not be ranked)."""
    table = SPECS[kind].model
    wanted = {int(i) for i in ids}
    found = await session.scalars(select(table).where(table.id.in_(wanted))) if wanted else []
    return {row.id: row for row in found}


async def rank_for_initiative(session: AsyncSession, initiative: Any, kinds: Sequence[str], *, limit: int,
                              model: str | None, hints: int = 3) -> tuple[list[Ranked], list[m.Unlock]]:
    """Rank each kind of candidate for one initiative, and the changes that would unlock more."""
    profile = await profile_of(session, "initiative", initiative, model)
    day = today()
    ranked, by_kind = [], {}
    for kind in kinds:
        pool = (await _published_profiles(session, kind, model)).pool
        assert pool is not None
        by_kind[kind] = pool
        ranking = engine.rank(profile, pool, today=day, limit=limit)
        rows = await _rows(session, kind, (x.candidate_id for x in ranking.matches))
        ranked.append(Ranked(kind, ranking, rows))
    return ranked, engine.unlock(profile, by_kind, today=day, limit=hints)


async def rank_for_candidate(session: AsyncSession, kind: str, candidate: Any, *, limit: int,
                             model: str | None) -> Ranked:
    """Rank the published initiatives for one candidate (reverse browsing)."""
    profile = await profile_of(session, kind, candidate, model)
    initiatives = (await _published_profiles(session, "initiative", model)).profiles
    ranking = engine.rank_initiatives(profile, initiatives, today=today(), limit=limit)
    rows = await _rows(session, "initiative", (x.initiative_id for x in ranking.matches))
    return Ranked(kind, ranking, rows)


async def explain_pair(session: AsyncSession, initiative: Any, kind: str, candidate: Any, *,
                       model: str | None) -> m.Explanation:
    """Every eligibility rule of the pair with pass/fail, and every score component."""
    profile = await profile_of(session, "initiative", initiative, model)
    other = await profile_of(session, kind, candidate, model)
    return engine.explain(profile, other, today=today())
