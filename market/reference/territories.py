"""The territory reference: look-up by name, code or postal code, and containment filters.

Territory codes overlap between levels (75 is both the department of Paris and the region
Nouvelle-Aquitaine), so a code may carry its level as a prefix: `commune:75118`, `epci:200069052`,
`department:90`, `region:27`, `postal:70400`. A bare code is read by its shape: 5 characters a
postal code when communes have it (as the territory search reads it), else a commune's INSEE code;
9 digits an EPCI; 2-3 characters a department and the region of that code when both exist.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import msgspec
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField
from market.models import Commune, Department, Epci, Region
from matching.text import simplify

_PREFIXES = {"commune": "commune", "epci": "epci", "department": "department", "departement": "department",
             "dep": "department", "region": "region", "reg": "region", "postal": "postal", "cp": "postal"}


# How place names are abbreviated when typed: "st maur", "ste foy".
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


class TerritoryOut(msgspec.Struct):
    id: str
    kind: str
    code: str
    name: str
    label: str
    postal_codes: list[str] = []
    department: str | None = None
    region: str | None = None
    epci: str | None = None
    population: int | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class TerritoryRef:
    """A resolved territory filter: one or more (level, code) pairs, or a set of communes."""

    parts: tuple[tuple[str, str], ...]
    read_as: str = ""  # how the value was read: "postal:70400", "commune:94071", "department:75 region:75"

    def commune_condition(self) -> ColumnElement[bool]:
        conditions = []
        for level, code in self.parts:
            if level == "commune":
                conditions.append(or_(Commune.code == code, Commune.parent_code == code))
            elif level == "epci":
                conditions.append(Commune.epci_code == code)
            elif level == "department":
                conditions.append(Commune.department_code == code)
            else:
                conditions.append(Commune.region_code == code)
        return or_(*conditions)

    def communes_inside(self):
        return select(Commune.code).where(self.commune_condition())


class TerritoryIndex:
    """In-memory index of every region, department, EPCI and commune, for sub-millisecond look-up."""

    def __init__(self, entries: list[TerritoryOut]) -> None:
        self.entries = entries
        self.by_code: dict[str, list[int]] = {}
        self.by_postal: dict[str, list[int]] = {}
        keys: list[tuple[str, int]] = []
        self._names = [simplify(e.name) for e in entries]
        for i, entry in enumerate(entries):
            self.by_code.setdefault(entry.code.lower(), []).append(i)
            for postal in entry.postal_codes:
                self.by_postal.setdefault(postal, []).append(i)
            name_words = self._names[i].split()
            for start in range(len(name_words)):
                keys.append((" ".join(name_words[start:]), i))
        keys.sort()
        self._keys = [k for k, _ in keys]
        self._key_entries = [i for _, i in keys]

    def search(self, query: str, limit: int = 10) -> list[TerritoryOut]:
        wanted = " ".join(ABBREVIATIONS.get(word, word) for word in simplify(query).split())
        if not wanted:
            return []
        scores: dict[int, float] = {}
        compact = wanted.replace(" ", "")
        for i in self.by_code.get(compact, []):
            # an INSEE code ties with a single postal code: "70400" is Héricourt's postal code and,
            # as an INSEE code, a village; population decides
            scores[i] = 0.001 if self.entries[i].kind == "commune" else 0
        for i in self.by_postal.get(compact, []):
            # a commune with this postal code alone (Paris 18e) before one that has twenty (Paris)
            scores.setdefault(i, len(self.entries[i].postal_codes) / 1000)
        for i in self._prefix_hits(wanted):
            # a name that starts with the query, whole or not: population decides ("saint maur" puts
            # Saint-Maur-des-Fossés before the villages called Saint-Maur); a later word comes after
            scores.setdefault(i, 1 if self._names[i].startswith(wanted) else 2)
        if len(scores) < limit and " " in wanted:
            for i in self._all_words_hits(wanted.split()):
                scores.setdefault(i, 3)
        ranked = sorted(scores, key=lambda i: (scores[i], -(self.entries[i].population or 0)))
        return [self.entries[i] for i in ranked[:limit]]

    def _prefix_hits(self, prefix: str, cap: int = 2_000) -> list[int]:
        start = bisect.bisect_left(self._keys, prefix)
        end = bisect.bisect_left(self._keys, prefix + "\uffff", lo=start)
        return self._key_entries[start : min(end, start + cap)]

    def _all_words_hits(self, query_words: list[str]) -> list[int]:
        longest = max(query_words, key=len)
        hits = []
        for i in dict.fromkeys(self._prefix_hits(longest)):
            name_words = self._names[i].split()
            if all(any(w.startswith(q) for w in name_words) for q in query_words):
                hits.append(i)
        return hits


async def build_index(session: AsyncSession) -> TerritoryIndex:
    regions = {r.code: r for r in (await session.scalars(select(Region))).all()}
    departments = {d.code: d for d in (await session.scalars(select(Department))).all()}
    entries = [
        TerritoryOut(id=f"region:{r.code}", kind="region", code=r.code, name=r.name, label=f"{r.name} (région)",
                     region=r.code, population=r.population)
        for r in regions.values()
    ]
    entries += [
        TerritoryOut(id=f"department:{d.code}", kind="department", code=d.code, name=d.name,
                     label=f"{d.name} ({d.code})", department=d.code, region=d.region_code, population=d.population)
        for d in departments.values()
    ]
    entries += [
        TerritoryOut(id=f"epci:{e.code}", kind="epci", code=e.code, name=e.name, label=e.name, epci=e.code,
                     population=e.population)
        for e in (await session.scalars(select(Epci))).all()
    ]
    rows = (await session.execute(select(Commune))).scalars().all()
    for c in rows:
        postal = f" ({c.postal_codes[0]})" if c.postal_codes else ""
        entries.append(
            TerritoryOut(id=f"commune:{c.code}", kind="commune", code=c.code, name=c.name, label=f"{c.name}{postal}",
                         postal_codes=list(c.postal_codes), department=c.department_code, region=c.region_code,
                         epci=c.epci_code, population=c.population, lat=c.lat, lon=c.lon)
        )
    return TerritoryIndex(entries)


_BARE_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_BARE_EPCI = re.compile(r"^\d{9}$")
_BARE_DEPARTMENT_OR_REGION = re.compile(r"^(\d{2,3}|2[AB])$")


async def resolve(session: AsyncSession, raw: str, field: str = "territory") -> TerritoryRef:
    """Turn a territory filter value into the levels and codes it stands for, or refuse it."""
    value = raw.strip().upper()
    level = None
    if ":" in value:
        prefix, value = (part.strip() for part in value.split(":", 1))
        level = _PREFIXES.get(prefix.lower())
        if level is None:
            raise InvalidField(f"niveau de territoire inconnu : « {prefix} »", field=field, source="query")
    candidates: list[tuple[str, str]]
    if level == "postal" or (level is None and _BARE_COMMUNE.match(value)):
        return await _commune_or_postal(session, raw, value, level, field)
    if level:
        candidates = [(level, value)]
    elif _BARE_EPCI.match(value):
        candidates = [("epci", value)]
    elif _BARE_DEPARTMENT_OR_REGION.match(value):
        candidates = [("department", value), ("region", value)]
    else:
        raise InvalidField(f"code de territoire invalide : « {raw} »", field=field, source="query")
    found = tuple([c for c in candidates if await _exists(session, *c)])
    if not found:
        raise InvalidField(f"territoire inconnu : « {raw} »", field=field, source="query")
    return TerritoryRef(found, " ".join(f"{lvl}:{code}" for lvl, code in found))


async def _commune_or_postal(session: AsyncSession, raw: str, value: str, level: str | None,
                             field: str) -> TerritoryRef:
    """A bare 5-character code is a postal code when communes have it, as the territory search reads
    it (`70400` is Héricourt and its neighbours, not the village whose INSEE code is 70400), else an
    INSEE code; `postal:` and `commune:` choose. `read_as` says which reading was taken."""
    postal = await _communes_by_postal_code(session, value) if re.fullmatch(r"\d{5}", value) else []
    if postal:
        return TerritoryRef(tuple(("commune", code) for code in postal), f"postal:{value}")
    if level is None and await _exists(session, "commune", value):
        return TerritoryRef((("commune", value),), f"commune:{value}")
    raise InvalidField(f"territoire inconnu : « {raw} »", field=field, source="query")


async def _exists(session: AsyncSession, level: str, code: str) -> bool:
    model = {"commune": Commune, "epci": Epci, "department": Department, "region": Region}[level]
    return await session.get(model, code) is not None


async def _communes_by_postal_code(session: AsyncSession, postal: str) -> list[str]:
    departments = _departments_of_postal(postal)
    rows = await session.execute(
        select(Commune.code, Commune.postal_codes).where(Commune.department_code.in_(departments))
    )
    return [code for code, postals in rows if postal in (postals or [])]


def _departments_of_postal(postal: str) -> list[str]:
    """Postal codes start with their department: 97x overseas, 20 for both Corsican departments."""
    if postal.startswith("97"):
        return [postal[:3]]
    if postal.startswith("20"):
        return ["2A", "2B"]
    return [postal[:2]]


async def get_commune(session: AsyncSession, code: str, field: str = "commune") -> Commune:
    commune = await session.get(Commune, code)
    if commune is None:
        raise InvalidField(f"commune inconnue : « {code} » (code INSEE attendu)", field=field)
    return commune


async def check_area_codes(session: AsyncSession, level: str, codes: list[str], field: str) -> None:
    for position, code in enumerate(codes):
        if not await _exists(session, level, code):
            raise InvalidField(f"code inconnu : « {code} »", field=f"{field}[{position}]")
