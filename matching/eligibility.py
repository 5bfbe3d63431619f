"""The hard rules, checked for one initiative against every candidate of a pool at once.

Each rule gives one boolean column (True = passes); a candidate is eligible when it passes all
of them. The rules are those of the evaluation's JUDGING.md:
- support provider: its area covers the initiative's commune (national; a listed region,
  department or EPCI; a listed commune, arrondissements included, or one within the radius of a
  listed commune); each
  non-empty list of accepted maturities, purposes, forms and stances holds the initiative's
  value; capacity > 0;
- takeover: distance <= radius; maturity >= minimum maturity; purposes empty or holding the
  initiative's; deadline not passed;
- volunteer offer: remote, or distance <= radius; hours > 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from matching.pool import Pool, bit
from matching.types import Initiative
from matching.vocabulary import MATURITY_ORDER

RULES: dict[str, tuple[str, ...]] = {
    "support_provider": ("area", "maturity", "economic_purpose", "org_form", "stance", "capacity"),
    "takeover": ("distance", "min_maturity", "economic_purpose", "deadline"),
    "volunteer_offer": ("distance", "hours"),
}


@dataclass
class Checked:
    """The rule columns for one initiative, the eligible rows and the distances (km)."""

    rules: dict[str, np.ndarray]
    eligible: np.ndarray
    distance: np.ndarray


def _accepts(column: np.ndarray, value_bit: int) -> np.ndarray:
    return (column == 0) | ((column & value_bit) != 0)


def _area(pool: Pool, ini: Initiative) -> tuple[np.ndarray, np.ndarray]:
    """Coverage of the initiative's commune, and the distance to the nearest listed commune
    (0 inside a listed department, region or EPCI, or nationally)."""
    n = len(pool)
    place = ini.place
    covered = pool.columns["national"].copy()
    for index, code in ((pool.by_department, place.department), (pool.by_region, place.region),
                        (pool.by_epci, place.epci), (pool.by_commune, place.code), (pool.by_commune, place.parent)):
        rows = index.get(code) if code else None
        if rows is not None:
            covered[rows] = True
    distance = np.where(covered, 0.0, np.inf)
    radius = pool.radius_rows
    if radius is not None and len(radius):
        d = pool.radius_points.distances_km(place.lat, place.lon)  # type: ignore[union-attr]
        rows = radius[:, 0].astype(np.int64)
        nearest = np.full(n, np.inf)
        np.minimum.at(nearest, rows, d)
        within = np.zeros(n, dtype=bool)
        np.logical_or.at(within, rows, d <= radius[:, 3])
        covered |= within
        distance = np.minimum(distance, nearest)
    return covered, distance


def check(pool: Pool, ini: Initiative, today: date) -> Checked:
    c = pool.columns
    if pool.kind == "support_provider":
        covered, distance = _area(pool, ini)
        rules = {
            "area": covered,
            "maturity": _accepts(c["maturities"], bit("maturity", ini.maturity)),
            "economic_purpose": _accepts(c["purposes"], bit("economic_purpose", ini.economic_purpose)),
            "org_form": _accepts(c["forms"], bit("org_form", ini.org_form)),
            "stance": _accepts(c["stances"], bit("stance", ini.stance)),
            "capacity": c["capacity"] > 0,
        }
    else:
        distance = pool.points.distances_km(ini.place.lat, ini.place.lon)  # type: ignore[union-attr]
        if pool.kind == "takeover":
            rules = {
                "distance": distance <= c["radius"],
                "min_maturity": c["min_maturity"] <= MATURITY_ORDER.index(ini.maturity),
                "economic_purpose": _accepts(c["purposes"], bit("economic_purpose", ini.economic_purpose)),
                "deadline": c["deadline"] >= today.toordinal(),
            }
        else:
            rules = {"distance": c["remote"] | (distance <= c["radius"]), "hours": c["hours"] > 0}
    eligible = np.logical_and.reduce(list(rules.values())) if rules else np.zeros(len(pool), dtype=bool)
    return Checked(rules, eligible, distance)
