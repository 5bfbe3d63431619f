"""Plain profiles in, ranked explained matches out: the engine's whole vocabulary of types.

Codes are those of `vocabulary.json`. Vectors are the stored, L2-normalised text embeddings
(any sequence of floats, or a numpy array); None when the listing has none.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import msgspec

Kind = Literal["support_provider", "takeover", "volunteer_offer"]
KINDS: tuple[str, ...] = ("support_provider", "takeover", "volunteer_offer")


class Place(msgspec.Struct, frozen=True):
    """A commune: INSEE code, name, EPCI, department, region and centre point."""

    code: str
    name: str
    department: str
    region: str
    lat: float
    lon: float
    epci: str | None = None
    parent: str | None = None  # the commune an arrondissement belongs to (75118 -> 75056)
    department_name: str = ""
    region_name: str = ""
    epci_name: str = ""


class Area(msgspec.Struct, frozen=True):
    """Where a support provider works: the union of everything listed."""

    national: bool = False
    regions: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()
    communes: tuple[Place, ...] = ()
    radius_km: float = 0.0
    # names to show in reasons, by code (departments, regions and EPCI)
    names: dict[str, str] = {}


class Initiative(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    description: str
    place: Place
    themes: tuple[str, ...] = ()
    maturity: str
    economic_purpose: str
    org_form: str
    stance: str
    needs: tuple[str, ...] = ()
    skills_needed: tuple[str, ...] = ()
    vector: Any = None


class SupportProvider(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    description: str
    area: Area
    themes: tuple[str, ...] = ()
    maturities: tuple[str, ...] = ()
    economic_purposes: tuple[str, ...] = ()
    org_forms: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    capacity: int = 0
    free_of_charge: bool = True
    vector: Any = None
    kind: Kind = "support_provider"


class Takeover(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    direction: str
    actor_name: str
    actor_org_form: str
    title: str
    description: str
    place: Place
    radius_km: float
    themes: tuple[str, ...] = ()
    min_maturity: str = "idea"
    economic_purposes: tuple[str, ...] = ()
    deadline: date | None = None
    vector: Any = None
    kind: Kind = "takeover"


class VolunteerOffer(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    business_name: str
    title: str
    description: str
    skills: tuple[str, ...]
    hours: int
    remote_ok: bool
    place: Place
    radius_km: float
    themes: tuple[str, ...] = ()
    vector: Any = None
    kind: Kind = "volunteer_offer"


Candidate = SupportProvider | Takeover | VolunteerOffer


class Match(msgspec.Struct, frozen=True):
    """One ranked candidate (or initiative, in reverse browsing) with its reasons."""

    kind: str
    candidate_id: str
    initiative_id: str
    score: int
    components: dict[str, float]
    reasons: list[str]
    missing: list[str]


class Rule(msgspec.Struct, frozen=True):
    """One hard eligibility rule for a pair: its code, whether it passed, and why, in French."""

    name: str
    passed: bool
    detail: str


class Explanation(msgspec.Struct, frozen=True):
    kind: str
    candidate_id: str
    initiative_id: str
    eligible: bool
    rules: list[Rule]
    score: int
    components: dict[str, float]
    reasons: list[str]
    missing: list[str]
    semantic: bool


class Unlock(msgspec.Struct, frozen=True):
    """A change the initiative could make and how many more candidates it would make eligible."""

    change: str
    field: str
    value: str
    label: str
    count: int
    by_kind: dict[str, int]


class Ranking(msgspec.Struct, frozen=True):
    matches: list[Match]
    eligible_count: int
    semantic: bool
    note: str | None = None
    floor: int = 0  # the relevance floor applied (0-100): matches below it are left out
    floor_note: str | None = None  # "pas encore de bonne piste…" when eligible candidates exist but none passes
