"""Stored rows -> the matching engine's profiles, and the published rows that take part.

Each profile carries its stored embedding when it was made by the model loaded now (`model`, see
`vectors.model_id`); otherwise the engine ranks that pair without the semantic signal and says so.
What each kind's profile holds is the kind's own `profile` function (`market.listings`); this
module gives it the places, areas and names it needs, read in a few queries for many rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from market.errors import NotFound
from market.listings import kinds
from market.matches.vectors import from_bytes
from market.models import Commune, Department, Epci, Region
from matching import types as m


@dataclass(frozen=True)
class Names:
    """French names of the departments, regions and EPCI the profiles refer to."""

    departments: dict[str, str]
    regions: dict[str, str]
    epcis: dict[str, str]


@dataclass(frozen=True)
class ProfileContext:
    """What a kind's `profile` function needs beyond the row: names, the communes of areas, the model."""

    names: Names
    area_communes: dict[str, Commune]
    model: str | None

    def common(self, item: Any) -> dict[str, Any]:
        return {"id": str(item.id), "description": item.description, "themes": tuple(item.themes or ()),
                "vector": self._vector(item)}

    def _vector(self, item: Any) -> Any:
        if self.model is None or item.embedding_model != self.model:
            return None
        return from_bytes(item.embedding)

    def place(self, commune: Commune) -> m.Place:
        names = self.names
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

    def area(self, raw: dict[str, Any] | None) -> m.Area:
        raw, names = raw or {}, self.names
        regions, departments, epcis = (tuple(raw.get(k) or ()) for k in ("regions", "departments", "epcis"))
        labels = {code: names.regions[code] for code in regions if code in names.regions}
        labels |= {code: names.departments[code] for code in departments if code in names.departments}
        labels |= {code: names.epcis[code] for code in epcis if code in names.epcis}
        return m.Area(
            national=bool(raw.get("national")),
            regions=regions,
            departments=departments,
            epcis=epcis,
            communes=tuple(self.place(self.area_communes[c]) for c in raw.get("communes") or ()
                           if c in self.area_communes),
            radius_km=float(raw.get("radius_km") or 0),
            names=labels,
        )


async def _names(session: AsyncSession, epci_codes: Iterable[str]) -> Names:
    departments = dict((await session.execute(select(Department.code, Department.name))).tuples().all())
    regions = dict((await session.execute(select(Region.code, Region.name))).tuples().all())
    codes = {c for c in epci_codes if c}
    epcis = dict((await session.execute(select(Epci.code, Epci.name).where(Epci.code.in_(codes)))).tuples().all())
    return Names(departments, regions, epcis)


async def profiles_of(session: AsyncSession, kind: str, items: Sequence[Any], model: str | None = None) -> list[Any]:
    """Profiles of rows of one kind, with the names and area communes they need, in four queries."""
    areas = [getattr(item, "area", None) or {} for item in items]
    with session.no_autoflush:  # also called while a listing is being written, before its flush
        codes = {code for area in areas for code in area.get("communes") or ()}
        found = await session.scalars(select(Commune).where(Commune.code.in_(codes)))
        area_communes = {commune.code: commune for commune in found}
        epci_codes = {code for area in areas for code in area.get("epcis") or ()}
        epci_codes |= {commune.epci_code for commune in area_communes.values()}
        epci_codes |= {commune.epci_code for item in items if (commune := getattr(item, "commune", None))}
        names = await _names(session, epci_codes)
    context = ProfileContext(names, area_communes, model)
    profile = kinds.KINDS[kind].profile
    return [profile(item, context) for item in items]


async def profile_of(session: AsyncSession, kind: str, item: Any, model: str | None = None) -> Any:
    return (await profiles_of(session, kind, [item], model))[0]


async def published(session: AsyncSession, kind: str) -> list[Any]:
    """Every published listing of a kind, with its stored embedding."""
    model = kinds.KINDS[kind].model
    stmt = select(model).where(model.status == "published").options(undefer(model.embedding)).order_by(model.id)
    return list((await session.scalars(stmt)).unique().all())


async def published_one(session: AsyncSession, kind: str, listing_id: int) -> Any:
    spec = kinds.KINDS[kind]
    stmt = select(spec.model).where(spec.model.id == listing_id).options(undefer(spec.model.embedding))
    item = (await session.scalars(stmt)).unique().one_or_none()
    if item is None or item.status != "published":
        raise NotFound(f"{spec.label} {listing_id} introuvable")
    return item
