"""The matching settings page's figures: the settings in force with their bounds and history, and the
preview of proposed values on the judged file (`market.matches.preview`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.config import Settings
from market.matches import preview as previews
from market.matches import settings as tuning
from matching.semantic import Embedder


@dataclass
class Page:
    current: tuning.Tuning
    history: list[tuning.Change]
    values: dict[str, str]
    preview: previews.Preview | None = None
    preview_missing: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def form_of(t: tuning.Tuning) -> dict[str, str]:
    """Settings as the form's field values."""
    return {**{f"weights.{n}": f"{w:g}" for n, w in t.weights.items()}, "floor": str(t.floor)}


def weights_of(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values.get(f"weights.{name}", "") for name in tuning.SIGNALS}


async def page(session: AsyncSession, staff: Identity | None, settings: Settings,
               values: dict[str, str] | None = None) -> Page:
    access.staff(staff)
    current = await tuning.in_force(session, settings.match_floor)
    changes = await tuning.history(session, staff, settings.match_floor)
    return Page(current, changes, values or form_of(current))


async def with_preview(session: AsyncSession, staff: Identity | None, settings: Settings,
                       embedder: Embedder | None, values: dict[str, str]) -> Page:
    """The page with the figures of the proposed values beside those in force (admins only)."""
    access.admin(staff)
    found = await page(session, staff, settings, values)
    weights, floor = tuning.validate(weights_of(values), values.get("floor", ""))
    proposed = tuning.Tuning(weights, floor, 0)
    try:
        found.preview = await previews.preview(settings, embedder, found.current, proposed)
    except previews.EvalFileMissing as exc:
        found.preview_missing = str(exc)
    return found
