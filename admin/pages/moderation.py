"""The moderation queue and one listing's review page: what changed since it was last published,
its open reports and history, and the actions (publish, reject with a reason, archive, merge, hide,
dismiss the reports)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import render, spec_of
from admin.services import duplicates
from api.deps import parse_id
from api.pages.common import form_errors, form_values, see_other
from market.access import Identity
from market.errors import DomainError, InvalidField
from market.listings import kinds
from market.listings import service as listings
from market.listings.review_rule import MINOR_FIELDS
from market.moderation import reports, snapshots
from market.moderation import service as review
from market.moderation.workflow import STATE_LABELS

ACTIONS = {"publish": "Publier", "reject": "Refuser", "archive": "Archiver", "merge": "Fusionner",
           "hide": "Masquer", "dismiss": "Classer les signalements"}
DONE = {"publish": "publiée", "reject": "refusée", "archive": "archivée", "merge": "fusionnée", "hide": "masquée",
        "dismiss": "signalements classés"}


@get("/", name="admin-queue")
async def queue(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity) -> Template:
    found = await review.queue(db_session, staff, None)
    done = request.query_params.get("fait")
    return render("admin/queue.html", staff, title="File de modération", items=found.items,
                  states=STATE_LABELS, done=DONE.get(done or ""),
                  duplicates=await duplicates.for_queue(db_session, staff, found.items),
                  resource={kind: spec.resource for kind, spec in kinds.KINDS.items()}, kind_specs=kinds.KINDS)


async def _item_page(db_session: AsyncSession, staff: Identity, resource: str, listing_id: str,
                     errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                     status_code: int = 200) -> Template:
    spec = spec_of(resource)
    item = await listings.load(db_session, spec, parse_id(listing_id, spec.label))
    return render("admin/item.html", staff, status_code=status_code, title=f"Relire : {spec.title(item)}",
                  spec=spec, item=item, fields=snapshots.public_fields(spec, item),
                  changes=await snapshots.changes(db_session, spec, item),
                  open_reports=await reports.open_reports(db_session, spec.kind, item.id),
                  history=await review.history(db_session, spec, item.id, staff), states=STATE_LABELS,
                  duplicates=await duplicates.for_listing(db_session, staff, spec, item),
                  actions=ACTIONS, minor_fields=sorted(MINOR_FIELDS), errors=errors or {}, values=values or {})


@get("/moderation/{resource:str}/{listing_id:str}", name="admin-item")
async def item(db_session: AsyncSession, staff: Identity, resource: str, listing_id: str) -> Template:
    return await _item_page(db_session, staff, resource, listing_id)


def _back(raw: str | None) -> str | None:
    return raw if raw and raw.startswith("/") and not raw.startswith("//") else None


@post("/moderation/{resource:str}/{listing_id:str}", name="admin-act")
async def act(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity, resource: str,
              listing_id: str) -> Template | Redirect:
    values, _ = await form_values(request)
    spec = spec_of(resource)
    action = values.get("action", "")
    try:
        if action not in ACTIONS:
            raise InvalidField(f"action inconnue : « {action} »", field="action")
        merge_into = values.get("merge_into") or None
        if merge_into is not None and not (merge_into.isdigit() and len(merge_into) <= 9):
            raise InvalidField(f"numéro d'annonce attendu, pas « {merge_into} »", field="merge_into")
        await review.act(db_session, spec, parse_id(listing_id, spec.label), staff, action,
                         values.get("reason") or None, int(merge_into) if merge_into else None)
    except DomainError as exc:
        await db_session.rollback()
        return await _item_page(db_session, staff, resource, listing_id, errors=form_errors(exc), values=values,
                                status_code=exc.status_code)
    return see_other(_back(values.get("suite")) or f"/admin/?fait={action}")


MODERATION_PAGES = [queue, item, act]
