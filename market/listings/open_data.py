"""The open-data export's rows: every published listing the filters select, read through a server-side
cursor in partitions (`yield_per`; the identity map holds rows weakly, so each is let go of once
written), so that 100 000 rows take the memory of one partition. The query is checked (filters,
territory) on the request's session, before the answer starts; the rows are read on a session of their
own, which lives as long as the stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import noload

from market.listings.service import ListingQuery, ordering, selection
from market.listings.spec import KindSpec
from market.models import Commune, Department, SupportProvider
from market.reference.outlines import department_outlines

PARTITION = 500


async def export_query(session: AsyncSession, spec: KindSpec, query: ListingQuery) -> Any:
    stmt, rank = await selection(session, spec, query)
    if spec.model is SupportProvider:
        stmt = stmt.options(noload(SupportProvider.areas))  # the export reads the `area` column
    return stmt.order_by(*ordering(spec, query, rank)).execution_options(yield_per=PARTITION)


async def stream(engine: AsyncEngine, spec: KindSpec, stmt: Any) -> AsyncIterator[msgspec.Struct]:
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        result = await session.stream_scalars(stmt)
        async for partition in result.partitions():
            for row in partition:
                yield spec.to_out(row)


async def commune_points(session: AsyncSession, codes: list[str] | None = None,
                         epcis: list[str] | None = None) -> list[tuple[float, float]]:
    """(lon, lat) of the communes named, and of the communes of the EPCI named."""
    points: list[tuple[float, float]] = []
    if codes:
        rows = await session.execute(select(Commune.lon, Commune.lat).where(Commune.code.in_(codes)))
        points += [(round(lon, 4), round(lat, 4)) for lon, lat in rows.tuples()]
    if epcis:
        rows = await session.execute(select(Commune.lon, Commune.lat).where(Commune.epci_code.in_(epcis),
                                                                             Commune.kind == "commune"))
        points += [(round(lon, 4), round(lat, 4)) for lon, lat in rows.tuples()]
    return points


class AreaShapes:
    """What a provider's area is drawn with: each department's outline (market/reference/outlines.py)
    for national, regional and departmental areas; its communes' points for communes and EPCI."""

    def __init__(self, outlines: dict[str, Any], regions: dict[str, list[str]]) -> None:
        self.outlines, self.regions = outlines, regions

    @classmethod
    async def load(cls, session: AsyncSession) -> AreaShapes:
        found = await department_outlines(session)
        outlines = {f["properties"]["code"]: f["geometry"]["coordinates"] for f in found["features"]}
        regions: dict[str, list[str]] = {}
        for code, region in (await session.execute(select(Department.code, Department.region_code))).tuples():
            regions.setdefault(region, []).append(code)
        return cls(outlines, regions)

    async def geometry(self, session: AsyncSession, area: dict[str, Any]) -> dict[str, Any] | None:
        departments = list(self.outlines) if area.get("national") else list(area.get("departments") or [])
        for region in area.get("regions") or []:
            departments += self.regions.get(region, [])
        polygons = [self.outlines[code] for code in dict.fromkeys(departments) if code in self.outlines]
        points = await commune_points(session, area.get("communes"), area.get("epcis"))
        parts = []
        if polygons:
            parts.append({"type": "MultiPolygon", "coordinates": polygons})
        if points:
            parts.append({"type": "MultiPoint", "coordinates": [list(p) for p in points]})
        if len(parts) > 1:
            return {"type": "GeometryCollection", "geometries": parts}
        return parts[0] if parts else None


async def features(engine: AsyncEngine, spec: KindSpec,
                   stmt: Any) -> AsyncIterator[tuple[msgspec.Struct, dict[str, Any] | None]]:
    """Each listing with its geometry: its commune's point, or a provider's area."""
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        shapes = await AreaShapes.load(session) if spec.model is SupportProvider else None
        result = await session.stream_scalars(stmt)
        async for partition in result.partitions():
            for row in partition:
                item = spec.to_out(row)
                if shapes is not None:
                    yield item, await shapes.geometry(session, row.area or {})
                else:
                    place = row.commune
                    yield item, {"type": "Point", "coordinates": [place.lon, place.lat]}
