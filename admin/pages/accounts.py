"""Accounts in the back office: find by email or name, see organisations and roles; admins grant or
remove the moderator and admin roles and suspend an account (its sessions and tokens end)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import render
from admin.services import accounts as finder
from api.deps import parse_id
from api.pages.common import form_errors, form_values, see_other
from market.access import Identity
from market.accounts import service as accounts
from market.accounts import suspension
from market.errors import DomainError, InvalidField
from market.vocabulary import ROLE_LABELS

PLATFORM_ROLES = {"": "Aucun", "moderator": "Modérateur", "admin": "Administrateur"}
DONE = {"role": "Rôle enregistré.", "suspend": "Compte suspendu : ses sessions et jetons sont fermés.",
        "reinstate": "Compte rétabli."}


@get("/comptes", name="admin-accounts")
async def find(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity) -> Template:
    q = request.query_params.get("q", "").strip()[:200]
    found = await finder.find(db_session, staff, q)
    return render("admin/accounts.html", staff, title="Comptes", values={"q": q}, errors={}, found=found,
                  searched=bool(q), roles=PLATFORM_ROLES)


async def _page(db_session: AsyncSession, staff: Identity, account_id: str, errors: dict[str, str] | None = None,
                done: str | None = None, status_code: int = 200) -> Template:
    account = await finder.one(db_session, staff, parse_id(account_id, "compte"))
    return render("admin/account.html", staff, status_code=status_code, title=account.email or "Compte",
                  account=account, roles=PLATFORM_ROLES, member_roles=ROLE_LABELS, errors=errors or {},
                  done=DONE.get(done or ""))


@get("/comptes/{account_id:str}", name="admin-account")
async def account(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity,
                  account_id: str) -> Template:
    return await _page(db_session, staff, account_id, done=request.query_params.get("fait"))


@post("/comptes/{account_id:str}", name="admin-account-change")
async def change(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity,
                 account_id: str) -> Template | Redirect:
    values, _ = await form_values(request)
    number = parse_id(account_id, "compte")
    action = values.get("action", "")
    try:
        if action == "role":
            role = values.get("platform_role", "")
            if role not in PLATFORM_ROLES:
                raise InvalidField(f"rôle inconnu : « {role} »", field="platform_role")
            await accounts.set_platform_role(db_session, staff, number, role or None)  # type: ignore[arg-type]
        elif action == "suspend":
            await suspension.suspend(db_session, staff, number)
        elif action == "reinstate":
            await suspension.reinstate(db_session, staff, number)
        else:
            raise InvalidField(f"action inconnue : « {action} »", field="action")
    except DomainError as exc:
        await db_session.rollback()
        return await _page(db_session, staff, account_id, errors=form_errors(exc), status_code=exc.status_code)
    return see_other(f"/admin/comptes/{number}?fait={action}")


ACCOUNT_PAGES = [find, account, change]
