"""My account's settings in the web client: change my password, delete my account (the same services
as /api/me/password and DELETE /api/me). Password reset and email confirmation are the /compte/ pages
(account_links.py)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.identity import IdentityDep
from api.pages.common import form_errors, form_values, log_in_first, render
from api.sessions import sign_in, sign_out
from market.accounts import personal_data
from market.accounts import service as accounts
from market.config import Settings
from market.errors import DomainError
from market.mail import deliver

PASSWORD_PATH = "/mon-compte/mot-de-passe"
ERASE_PATH = "/mon-compte/supprimer"


def _password_form(identity: Any, errors: dict[str, str], status_code: int = 200) -> Template:
    return render("password_change.html", identity, status_code=status_code, title="Changer mon mot de passe",
                  errors=errors)


@get(PASSWORD_PATH, include_in_schema=False)
async def password_form(identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return log_in_first(PASSWORD_PATH)
    return _password_form(identity, {})


@post(PASSWORD_PATH, include_in_schema=False)
async def change_password(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                          identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return log_in_first(PASSWORD_PATH)
    values, _ = await form_values(request)
    try:
        if values.get("new_password") != values.get("new_password_again"):
            raise DomainError("les deux mots de passe diffèrent", field="new_password_again")
        mails = await accounts.change_password(db_session, settings, identity, values.get("current_password", ""),
                                               values.get("new_password", ""))
    except DomainError as exc:
        await db_session.rollback()
        errors = form_errors(exc)
        if "password" in errors:  # the password policy names the new one `password`
            errors["new_password"] = errors.pop("password")
        return _password_form(identity, errors, status_code=exc.status_code)
    sign_in(request, identity.account_id)  # this browser goes on, under a new session id
    return Redirect(path="/mon-compte?mot-de-passe=change", status_code=303,
                    background=BackgroundTask(deliver, settings, mails))


@get(ERASE_PATH, include_in_schema=False)
async def erase_form(identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return log_in_first(ERASE_PATH)
    return render("account_erase.html", identity, title="Supprimer mon compte", errors={})


@post(ERASE_PATH, include_in_schema=False)
async def erase(request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep) -> Template:
    values, _ = await form_values(request)
    if values.get("confirm") != "oui":
        return render("account_erase.html", identity, status_code=400, title="Supprimer mon compte",
                      errors={"confirm": "cochez la case pour confirmer la suppression"})
    await personal_data.erase(db_session, identity)
    sign_out(request)
    return render("account_erased.html", None, title="Compte supprimé")


ACCOUNT_SETTINGS_PAGES = [password_form, change_password, erase_form, erase]
