"""Department outlines for the maps where no tile server answers. The reference holds no department
geometry (scripts/build_territories.py keeps one point per commune), so each outline is the convex
hull of its communes' points: a simplified shape, enough to find one's way on a map, not a border."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.models import Commune, Department

Point = tuple[float, float]  # (lon, lat), GeoJSON's order


def convex_hull(points: list[Point]) -> list[Point]:
    """Andrew's monotone chain: the hull, counter-clockwise, first point not repeated."""
    found = sorted(set(points))
    if len(found) < 3:
        return found

    def turn(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    upper: list[Point] = []
    for point in found:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], point) <= 0:
            lower.pop()
        lower.append(point)
    for point in reversed(found):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], point) <= 0:
            upper.pop()
        upper.append(point)
    return lower[:-1] + upper[:-1]


async def department_outlines(session: AsyncSession) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one polygon per department with three communes or more."""
    points: dict[str, list[Point]] = defaultdict(list)
    rows = await session.execute(select(Commune.department_code, Commune.lon, Commune.lat))
    for code, lon, lat in rows.tuples():
        points[code].append((round(lon, 3), round(lat, 3)))
    names = dict((await session.execute(select(Department.code, Department.name))).tuples().all())
    features = []
    for code in sorted(points):
        hull = convex_hull(points[code])
        if len(hull) < 3:
            continue
        ring = [list(p) for p in [*hull, hull[0]]]
        features.append({"type": "Feature", "properties": {"code": code, "name": names.get(code, code)},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}
