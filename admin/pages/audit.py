"""The searchable moderation log."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import render
from admin.services import audit
from market.access import Identity
from market.listings import kinds
from market.moderation.workflow import STATE_LABELS

ACTIONS = {"submit": "Dépôt", "resubmit": "Nouvelle version", "minor_edit": "Petite modification",
           "publish": "Publication", "auto_publish": "Publication automatique", "reject": "Refus",
           "archive": "Archivage", "merge": "Fusion", "hide": "Masquage", "dismiss": "Signalements classés"}


FILTERS = ("q", "action", "kind", "listing", "moderator", "page")


@get("/journal", name="admin-log")
async def log(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity) -> Template:
    params = {k: request.query_params.get(k, "").strip()[:200] for k in FILTERS}
    errors: dict[str, str] = {}
    if params["action"] and params["action"] not in ACTIONS:
        errors["action"] = f"action inconnue : « {params['action']} »"
    if params["kind"] and params["kind"] not in kinds.KINDS:
        errors["kind"] = f"type inconnu : « {params['kind']} »"
    if params["listing"] and not (params["listing"].isdigit() and len(params["listing"]) <= 9):
        errors["listing"] = "un numéro d'annonce est attendu"
    page = int(params["page"]) if params["page"].isdigit() and 0 < int(params["page"]) <= 10_000 else 1
    found = await audit.search(
        db_session, staff, q=params["q"], action="" if "action" in errors else params["action"],
        kind="" if "kind" in errors else params["kind"],
        listing_id=None if "listing" in errors or not params["listing"] else int(params["listing"]),
        moderator=params["moderator"], page=page)
    return render("admin/log.html", staff, status_code=400 if errors else 200, title="Journal de modération",
                  found=found, values=params, errors=errors, actions=ACTIONS, states=STATE_LABELS,
                  resource={kind: spec.resource for kind, spec in kinds.KINDS.items()})


AUDIT_PAGES = [log]
