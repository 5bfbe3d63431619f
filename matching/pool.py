"""Candidates of one kind laid out as numpy columns, so one initiative is checked and scored
against all of them at once (100k candidates in a few milliseconds).

Code lists become bit masks (bit i = the i-th code of the vocabulary list; 0 = "no restriction"
for the lists where empty means all), places become coordinate columns, and a support provider's
area becomes inverted indexes from department, region and EPCI codes to candidate rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import numpy as np

from matching.geo import Points
from matching.opportunity import takeover_offers
from matching.skills import concept_bits, served_needs
from matching.types import Candidate, SupportProvider, Takeover, VolunteerOffer
from matching.vocabulary import LABELS, MATURITY_ORDER

BITS: dict[str, dict[str, int]] = {name: {code: i for i, code in enumerate(codes)} for name, codes in LABELS.items()}
NO_DEADLINE = date.max.toordinal()


def mask(list_name: str, codes: Sequence[str]) -> int:
    bits = BITS[list_name]
    value = 0
    for code in codes:
        value |= 1 << bits[code]
    return value


def bit(list_name: str, code: str) -> int:
    return 1 << BITS[list_name][code]


def popcount(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values).astype(np.float32)


@dataclass
class Pool:
    """One kind of candidate, as columns. Build it with `build_pool`."""

    kind: str
    candidates: list[Candidate]
    vectors: np.ndarray  # (n, d) float32, zero rows where a candidate has no vector
    has_vector: np.ndarray  # (n,) bool
    themes: np.ndarray  # (n,) int64 masks, 0 = every theme
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    # support providers: area code -> rows; commune-radius rows as (row, lat, lon, radius)
    by_department: dict[str, np.ndarray] = field(default_factory=dict)
    by_region: dict[str, np.ndarray] = field(default_factory=dict)
    by_epci: dict[str, np.ndarray] = field(default_factory=dict)
    by_commune: dict[str, np.ndarray] = field(default_factory=dict)
    radius_rows: np.ndarray | None = None
    points: Points | None = None  # candidates' places (takeovers, volunteer offers)
    radius_points: Points | None = None  # the listed communes of providers' radius areas

    def __len__(self) -> int:
        return len(self.candidates)

    @property
    def dimension(self) -> int:
        return self.vectors.shape[1]


def _vectors(candidates: Sequence[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    dims = {len(c.vector) for c in candidates if c.vector is not None}
    dim = max(dims) if dims else 0
    vectors = np.zeros((len(candidates), dim), dtype=np.float32)
    has = np.zeros(len(candidates), dtype=bool)
    for row, candidate in enumerate(candidates):
        if candidate.vector is not None and len(candidate.vector) == dim:
            vectors[row] = np.asarray(candidate.vector, dtype=np.float32)
            has[row] = True
    return vectors, has


def _index(groups: dict[str, list[int]]) -> dict[str, np.ndarray]:
    return {code: np.asarray(rows, dtype=np.int64) for code, rows in groups.items()}


def _support_columns(pool: Pool, providers: Sequence[SupportProvider]) -> None:
    deps, regs, epcis, communes = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    radius: list[tuple[float, float, float, float]] = []
    for row, p in enumerate(providers):
        for code in p.area.departments:
            deps[code].append(row)
        for code in p.area.regions:
            regs[code].append(row)
        for code in p.area.epcis:
            epcis[code].append(row)
        for place in p.area.communes:
            communes[place.code].append(row)
            radius.append((row, place.lat, place.lon, p.area.radius_km))
    pool.by_department, pool.by_region, pool.by_epci = _index(deps), _index(regs), _index(epcis)
    pool.by_commune = _index(communes)
    pool.radius_rows = np.asarray(radius, dtype=np.float64).reshape(-1, 4)
    pool.radius_points = Points(pool.radius_rows[:, 1], pool.radius_rows[:, 2])
    pool.columns = {
        "national": np.array([p.area.national for p in providers], dtype=bool),
        "maturities": np.array([mask("maturity", p.maturities) for p in providers], dtype=np.int64),
        "purposes": np.array([mask("economic_purpose", p.economic_purposes) for p in providers], dtype=np.int64),
        "forms": np.array([mask("org_form", p.org_forms) for p in providers], dtype=np.int64),
        "stances": np.array([mask("stance", p.stances) for p in providers], dtype=np.int64),
        "offers": np.array([mask("need", p.offers) for p in providers], dtype=np.int64),
        "capacity": np.array([p.capacity for p in providers], dtype=np.int64),
        "area_level": np.array([_area_level(p) for p in providers], dtype=np.int64),
    }


def _area_level(provider: SupportProvider) -> int:
    """How local the provider is: 0 communes, 1 EPCI, 2 department, 3 region, 4 national."""
    area = provider.area
    if area.national:
        return 4
    if area.regions:
        return 3
    if area.departments:
        return 2
    if area.epcis:
        return 1
    return 0


def _place_columns(candidates: Sequence[Takeover] | Sequence[VolunteerOffer]) -> dict[str, np.ndarray]:
    return {
        "lat": np.array([c.place.lat for c in candidates], dtype=np.float64),
        "lon": np.array([c.place.lon for c in candidates], dtype=np.float64),
        "radius": np.array([c.radius_km for c in candidates], dtype=np.float64),
    }


def _takeover_columns(takeovers: Sequence[Takeover]) -> dict[str, np.ndarray]:
    return {
        **_place_columns(takeovers),
        "min_maturity": np.array([MATURITY_ORDER.index(t.min_maturity) for t in takeovers], dtype=np.int64),
        "purposes": np.array([mask("economic_purpose", t.economic_purposes) for t in takeovers], dtype=np.int64),
        "deadline": np.array(
            [t.deadline.toordinal() if t.deadline else NO_DEADLINE for t in takeovers], dtype=np.int64
        ),
        "handover": np.array([t.direction == "handover" for t in takeovers], dtype=bool),
        "carrier": np.array([t.direction == "carrier" for t in takeovers], dtype=bool),
        "offers": np.array([mask("need", takeover_offers(t)) for t in takeovers], dtype=np.int64),
    }


def _volunteer_columns(offers: Sequence[VolunteerOffer]) -> dict[str, np.ndarray]:
    return {
        **_place_columns(offers),
        "remote": np.array([o.remote_ok for o in offers], dtype=bool),
        "hours": np.array([o.hours for o in offers], dtype=np.int64),
        "skills": np.array([concept_bits(o.skills) for o in offers], dtype=np.int64),
        # every offer brings volunteer skills, and the needs its skills serve
        "offers": np.array([mask("need", ("skills", *served_needs(o.skills))) for o in offers], dtype=np.int64),
    }


def build_pool(kind: str, candidates: Sequence[Candidate], vectors: np.ndarray | None = None) -> Pool:
    """Lay candidates of one kind out as columns (done once, reused for every initiative).

    `vectors`, when given, is the (n, d) matrix of the candidates' embeddings in order, used
    instead of each profile's `vector` (it saves a copy when the caller holds them as one matrix;
    a row of zeros means "no vector").
    """
    candidates = list(candidates)
    wrong = [c.id for c in candidates if c.kind != kind]
    if wrong:
        raise ValueError(f"candidates {wrong[:3]} are not of kind {kind}")
    if vectors is not None:
        if vectors.shape[0] != len(candidates):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(candidates)} candidates")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        has = np.abs(vectors).sum(axis=1) > 0
    else:
        vectors, has = _vectors(candidates)
    themes = np.array([mask("theme", c.themes) for c in candidates], dtype=np.int64)
    pool = Pool(kind, candidates, vectors, has, themes)
    if kind == "support_provider":
        _support_columns(pool, cast(Sequence[SupportProvider], candidates))
    elif kind in ("takeover", "volunteer_offer"):
        # every candidate was checked to be of `kind` above
        pool.columns = (_takeover_columns(cast(Sequence[Takeover], candidates)) if kind == "takeover"
                        else _volunteer_columns(cast(Sequence[VolunteerOffer], candidates)))
        pool.points = Points(pool.columns["lat"], pool.columns["lon"])
    else:
        raise ValueError(f"unknown candidate kind {kind!r}")
    return pool
