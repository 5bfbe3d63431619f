"""The matching settings: the weights of the relevance signals and the relevance floor, their bounds,
a preview of nDCG@10 on the judged file before saving, and the history of changes with « rétablir ».
Moderators see the page and the history; only admins preview, save and revert (docs/admin.md)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post, put
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import render
from admin.services import matching_settings as service
from api.deps import EmbedderDep, strict_body
from api.identity import IdentityDep
from api.pages.common import form_errors, form_values, see_other
from market.access import Identity
from market.config import Settings
from market.errors import DomainError, InvalidField
from market.matches import settings as tuning
from market.schemas import Body, Out

PATH = "/admin/reglages-matching"
DONE = {"save": "Réglages enregistrés : les classements les appliquent dès maintenant.",
        "revert": "Réglages rétablis."}
BOUNDS = {"weight": (tuning.WEIGHT_MIN, tuning.WEIGHT_MAX), "floor": (tuning.FLOOR_MIN, tuning.FLOOR_MAX)}


def _render(found: service.Page, staff: Identity, status_code: int = 200, done: str | None = None) -> Template:
    return render("admin/matching_settings.html", staff, status_code=status_code, title="Réglages du matching",
                  page=found, signals=tuning.SIGNALS, values=found.values, errors=found.errors,
                  bounds=BOUNDS,
                  columns=("support_provider", "takeover", "volunteer_offer", "overall"), done=DONE.get(done or ""))


@get("/reglages-matching", name="admin-matching-settings")
async def show(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity,
               settings: Settings) -> Template:
    return _render(await service.page(db_session, staff, settings), staff, done=request.query_params.get("fait"))


def _version(values: dict[str, str]) -> int:
    raw = values.get("based_on", "")
    if not raw.isdigit():
        raise InvalidField("version des réglages manquante : rechargez la page", field="based_on")
    return int(raw)


@post("/reglages-matching", name="admin-matching-settings-change")
async def change(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity, settings: Settings,
                 embedder: EmbedderDep) -> Template | Redirect:
    values, _ = await form_values(request)
    action = values.get("action", "")
    fields = {k: v for k, v in values.items() if k.startswith("weights.") or k == "floor"}
    try:
        if action == "preview":
            return _render(await service.with_preview(db_session, staff, settings, embedder, fields), staff)
        if action == "save":
            await tuning.save(db_session, staff, service.weights_of(fields), fields.get("floor", ""), _version(values))
        elif action == "revert":
            row = values.get("row", "")
            if not row.isdigit():
                raise InvalidField(f"réglage à rétablir inconnu : « {row[:20]} »", field="row")
            await tuning.revert(db_session, staff, int(row), _version(values), settings.match_floor)
        else:
            raise InvalidField(f"action inconnue : « {action[:20]} »", field="action")
    except DomainError as exc:
        await db_session.rollback()
        found = await service.page(db_session, staff, settings, fields or None)
        found.errors = form_errors(exc)
        return _render(found, staff, status_code=exc.status_code)
    return see_other(f"{PATH}?fait={action}")


# --- JSON -----------------------------------------------------------------------------------


class SettingsIn(Body):
    """New settings, from the version read (`based_on`: 0 for the defaults)."""

    weights: dict[str, float]
    floor: int
    based_on: int


class ChangeOut(Out):
    id: int
    at: str
    by: str
    old: dict[str, Any]
    new: dict[str, Any]
    restored_from: int | None


class SettingsOut(Out):
    weights: dict[str, float]
    floor: int
    version: int
    bounds: dict[str, list[float]]
    signals: dict[str, str]
    history: list[ChangeOut]


def _plain(t: tuning.Tuning) -> dict[str, Any]:
    return {"weights": t.weights, "floor": t.floor}


async def _out(db_session: AsyncSession, identity: Identity | None, settings: Settings) -> SettingsOut:
    found = await service.page(db_session, identity, settings)
    return SettingsOut(
        weights=found.current.weights, floor=found.current.floor, version=found.current.version,
        bounds={"weight": [tuning.WEIGHT_MIN, tuning.WEIGHT_MAX], "floor": [tuning.FLOOR_MIN, tuning.FLOOR_MAX]},
        signals=dict(tuning.SIGNALS),
        history=[ChangeOut(c.id, c.at.isoformat(), c.by, _plain(c.old), _plain(c.new), c.restored_from)
                 for c in found.history])


@get("/api/admin/matching-settings", summary="Réglages du matching et leur historique (modérateurs et administrateurs)",
     tags=["back office"])
async def settings_json(db_session: AsyncSession, identity: IdentityDep, settings: Settings) -> SettingsOut:
    return await _out(db_session, identity, settings)


@put("/api/admin/matching-settings", summary="Changer les réglages du matching (administrateurs)",
     tags=["back office"])
async def put_settings_json(db_session: AsyncSession, identity: IdentityDep, settings: Settings,
                            data: SettingsIn, body: bytes) -> SettingsOut:
    change = strict_body(body, SettingsIn)
    await tuning.save(db_session, identity, change.weights, change.floor, change.based_on)
    return await _out(db_session, identity, settings)


MATCHING_SETTINGS_PAGES = [show, change]
MATCHING_SETTINGS_JSON = [settings_json, put_settings_json]
