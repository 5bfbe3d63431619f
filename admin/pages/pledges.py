"""Pledges in the back office: the list with filters, a refund from the page (admins; the API's rules:
never more than was paid) and what the last reconciliation did."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import render
from admin.services import pledges as finder
from api.deps import parse_id
from api.pages.common import cents, form_errors, form_values, see_other
from market.access import Identity
from market.errors import DomainError, InvalidField
from market.pledges import refunds
from market.pledges.payments import PaymentGateway
from market.vocabulary import PLEDGE_STATES

STATE_LABELS = {"pending": "en attente", "succeeded": "payée", "failed": "échouée", "refunded": "remboursée",
                "partially_refunded": "remboursée en partie"}
FILTERS = ("status", "initiative", "since", "until", "page")


def _day(text: str, field: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = f"date attendue (AAAA-MM-JJ), pas « {text} »"
        return None


async def _page(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity,
                errors: dict[str, str] | None = None, status_code: int = 200, done: str | None = None) -> Template:
    values = {k: request.query_params.get(k, "").strip()[:40] for k in FILTERS}
    errors = dict(errors or {})
    if values["status"] and values["status"] not in PLEDGE_STATES:
        errors["status"] = f"état inconnu : « {values['status']} »"
    initiative = values["initiative"]
    if initiative and not (initiative.isdigit() and len(initiative) <= 9):
        errors["initiative"] = "un numéro d'initiative est attendu"
    since, until = _day(values["since"], "since", errors), _day(values["until"], "until", errors)
    page = int(values["page"]) if values["page"].isdigit() and 0 < int(values["page"]) <= 10_000 else 1
    found = await finder.search(db_session, staff, status="" if "status" in errors else values["status"],
                                initiative_id=int(initiative) if initiative and "initiative" not in errors else None,
                                since=since, until=until, page=page)
    return render("admin/pledges.html", staff, status_code=400 if errors and status_code == 200 else status_code,
                  title="Dons", found=found, values=values, errors=errors, states=STATE_LABELS,
                  last_run=await finder.last_reconciliation(db_session), done=done)


@get("/dons", name="admin-pledges")
async def pledge_list(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity) -> Template:
    done = "Remboursement enregistré." if request.query_params.get("fait") == "remboursement" else None
    return await _page(request, db_session, staff, done=done)


@post("/dons/{pledge_id:str}/remboursement", name="admin-refund")
async def refund(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity,
                 payments: PaymentGateway, pledge_id: str) -> Template | Redirect:
    values, _ = await form_values(request)
    number = parse_id(pledge_id, "promesse")
    try:
        amount = cents(values["amount_euros"]) if values.get("amount_euros") else None
        if isinstance(amount, str) or (amount is not None and amount <= 0):
            raise InvalidField(f"montant en euros attendu, pas « {values['amount_euros']} »", field="amount_euros")
        await refunds.refund_by_admin(db_session, payments, staff, number, amount, values.get("reason") or None)
    except DomainError as exc:
        await db_session.rollback()
        errors = {f"refund-{number}": form_errors(exc).popitem()[1]}
        return await _page(request, db_session, staff, errors=errors, status_code=exc.status_code)
    return see_other("/admin/dons?fait=remboursement")


PLEDGE_PAGES = [pledge_list, refund]
