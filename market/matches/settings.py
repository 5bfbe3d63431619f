"""The matching settings an admin tunes: the weight of each relevance signal and the relevance floor.

Every change is a new row of `matching_settings` (who, when, the values); the latest row is in force
and none means the code's defaults (`ranking.DEFAULT_WEIGHTS`, the floor of the configuration). A
revert is a change too: it stores again the values of an earlier row (or the defaults). Staff read
the settings and their history; only admins change them. Of two changes made from the same state,
one wins and the other is refused (409): each row names the row it replaced (`based_on`, unique).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.db import insert_for
from market.errors import Conflict, InvalidField, NotFound
from market.matches.models import MatchingSettings
from market.matches.ranking import DEFAULT_FLOOR, DEFAULT_WEIGHTS
from market.models import utcnow

WEIGHT_MIN, WEIGHT_MAX = 0.0, 3.0
FLOOR_MIN, FLOOR_MAX = 0, 100
SIGNALS: dict[str, str] = {
    "needs": "Besoins déclarés auxquels le partenaire répond",
    "skills": "Compétences recherchées que l'offre de mécénat apporte",
    "themes": "Thématiques partagées",
    "semantic": "Proximité des textes (modèle de langue)",
    "words": "Mots communs aux deux textes",
    "stage": "Ciblage de la maturité, de la forme et de la finalité (accompagnement)",
    "proximity": "Proximité géographique",
}
assert set(SIGNALS) == set(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class Tuning:
    """The settings in force: `version` is the id of their row, 0 for the defaults."""

    weights: dict[str, float]
    floor: int
    version: int

    def key(self) -> tuple[tuple[tuple[str, float], ...], int]:
        """Hashable: what a cache of rankings keys on."""
        return tuple(sorted(self.weights.items())), self.floor


@dataclass(frozen=True)
class Change:
    """One row of the history, with the values it replaced."""

    id: int
    at: Any
    by: str
    old: Tuning
    new: Tuning
    restored_from: int | None


def defaults(floor: int = DEFAULT_FLOOR) -> Tuning:
    return Tuning(dict(DEFAULT_WEIGHTS), floor, 0)


def _tuning(row: MatchingSettings) -> Tuning:
    weights = {name: float(row.weights.get(name, DEFAULT_WEIGHTS[name])) for name in DEFAULT_WEIGHTS}
    return Tuning(weights, int(row.floor), row.id)


async def in_force(session: AsyncSession, default_floor: int = DEFAULT_FLOOR) -> Tuning:
    """The latest stored settings, or the defaults (with the configured floor) when none is stored."""
    row = await session.scalar(select(MatchingSettings).order_by(MatchingSettings.id.desc()).limit(1))
    return _tuning(row) if row is not None else defaults(default_floor)


def _number(raw: Any, field: str, label: str) -> float:
    if isinstance(raw, bool):
        raise InvalidField(f"{label} : un nombre est attendu", field=field)
    if isinstance(raw, str):
        text = raw.strip().replace(",", ".")
        if not text:
            raise InvalidField(f"{label} : valeur manquante", field=field)
        try:
            raw = float(text)
        except ValueError:
            raise InvalidField(f"{label} : « {raw[:40]} » n'est pas un nombre", field=field) from None
    if not isinstance(raw, int | float) or not math.isfinite(raw):
        raise InvalidField(f"{label} : un nombre est attendu", field=field)
    return float(raw)


def validate(weights: Mapping[str, Any], floor: Any) -> tuple[dict[str, float], int]:
    """The weights (every signal, each within WEIGHT_MIN-WEIGHT_MAX, not all 0) and the floor
    (a whole number within FLOOR_MIN-FLOOR_MAX); InvalidField in French naming the field otherwise."""
    unknown = sorted(set(weights) - set(SIGNALS))
    if unknown:
        raise InvalidField(f"signal inconnu : « {unknown[0][:40]} »", field=f"weights.{unknown[0][:40]}")
    out: dict[str, float] = {}
    for name, label in SIGNALS.items():
        field = f"weights.{name}"
        if name not in weights:
            raise InvalidField(f"poids « {label} » manquant", field=field)
        value = _number(weights[name], field, f"poids « {label} »")
        if not WEIGHT_MIN <= value <= WEIGHT_MAX:
            raise InvalidField(f"poids « {label} » : {value:g} est hors des bornes "
                               f"({WEIGHT_MIN:g} à {WEIGHT_MAX:g})", field=field)
        out[name] = round(value, 3)
    if not any(out.values()):
        raise InvalidField("au moins un poids doit être supérieur à 0", field="weights")
    number = _number(floor, "floor", "seuil de pertinence")
    if number != int(number) or not FLOOR_MIN <= number <= FLOOR_MAX:
        raise InvalidField(f"seuil de pertinence : {number:g} doit être un entier de {FLOOR_MIN} à {FLOOR_MAX}",
                           field="floor")
    return out, int(number)


async def _store(session: AsyncSession, actor: Identity, tuning: Tuning, based_on: int,
                 restored_from: int | None) -> Tuning:
    current = await in_force(session)
    if based_on != current.version:
        raise Conflict("les réglages ont changé depuis que vous les avez lus : relisez-les avant de les modifier",
                       field="based_on")
    stmt = insert_for(session)(MatchingSettings).values(
        weights=tuning.weights, floor=tuning.floor, based_on=based_on, restored_from=restored_from,
        changed_by=actor.account_id or None, changed_by_name=(actor.display_name or actor.email)[:200],
        changed_at=utcnow())
    with session.no_autoflush:
        new_id = await session.scalar(stmt.on_conflict_do_nothing(index_elements=["based_on"])
                                      .returning(MatchingSettings.id))
    if new_id is None:  # another admin's change from the same state went in first
        raise Conflict("un autre administrateur vient de modifier les réglages : relisez-les", field="based_on")
    return Tuning(dict(tuning.weights), tuning.floor, int(new_id))


async def save(session: AsyncSession, actor: Identity | None, weights: Mapping[str, Any], floor: Any,
               based_on: int) -> Tuning:
    """An admin's change, from the settings whose version it read (`based_on`)."""
    admin = access.admin(actor)
    checked, number = validate(weights, floor)
    return await _store(session, admin, Tuning(checked, number, 0), based_on, None)


async def revert(session: AsyncSession, actor: Identity | None, row_id: int, based_on: int,
                 default_floor: int = DEFAULT_FLOOR) -> Tuning:
    """Put back the values of an earlier row (`row_id`), or the defaults (`row_id` 0)."""
    admin = access.admin(actor)
    if row_id == 0:
        return await _store(session, admin, defaults(default_floor), based_on, None)
    row = await session.get(MatchingSettings, row_id)
    if row is None:
        raise NotFound(f"réglage {row_id} introuvable")
    return await _store(session, admin, _tuning(row), based_on, row_id)


async def history(session: AsyncSession, actor: Identity | None, default_floor: int = DEFAULT_FLOOR,
                  limit: int = 100) -> list[Change]:
    """The changes, latest first, each with the values it replaced."""
    access.staff(actor)
    rows = list(await session.scalars(select(MatchingSettings).order_by(MatchingSettings.id)))
    changes, before = [], defaults(default_floor)
    for row in rows:
        now = _tuning(row)
        changes.append(Change(row.id, row.changed_at, row.changed_by_name, before, now, row.restored_from))
        before = now
    return changes[::-1][:limit]
