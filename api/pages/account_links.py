"""The pages the account emails link to (/compte/...), plain HTML forms that work without JavaScript.

The link carries its token in the query (`?jeton=`, masked in the access log; no page sends a
Referer). Opening it changes nothing: the GET shows a form holding the token, and only its POST
(with the CSRF token) confirms the address or sets the new password, so a mail scanner or a link
preview that follows the link spends nothing. A used or expired link says so in French, with the way
to ask for a new one.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.controllers.accounts import RESET_SENT
from api.identity import IdentityDep
from api.pages.common import form_errors, form_values, log_in_first, render, see_other
from api.sessions import sign_out
from api.transaction import once_committed
from market.accounts import service as accounts
from market.config import Settings
from market.errors import DomainError
from market.mail import deliver

CONFIRM_PATH = "/compte/confirmer"
RESET_PATH = "/compte/mot-de-passe"
FORGOT_PATH = "/compte/mot-de-passe-oublie"
NEW_LINK_PATH = "/compte/nouveau-lien"


def _page(identity: Any, step: str, title: str, status_code: int = 200, **context: Any) -> Template:
    return render("account_link.html", identity, status_code=status_code, title=title, step=step,
                  errors=context.pop("errors", {}), values=context.pop("values", {}), **context)


def _bad_link(identity: Any, step: str, title: str, exc: DomainError) -> Template:
    """A used, expired or mangled link: why, and where to ask for a new one."""
    return _page(identity, "bad_link", title, status_code=exc.status_code, detail=exc.detail,
                 again=NEW_LINK_PATH if step == "confirm" else FORGOT_PATH)


@get(CONFIRM_PATH, include_in_schema=False)
async def confirm_form(identity: IdentityDep, jeton: str = "") -> Template:
    return _page(identity, "confirm", "Confirmer mon adresse", token=jeton)


@post(CONFIRM_PATH, include_in_schema=False, status_code=200)
async def confirm(request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep) -> Template:
    values, _ = await form_values(request)
    try:
        await accounts.confirm(db_session, values.get("jeton", ""))
    except DomainError as exc:
        await db_session.rollback()
        return _bad_link(identity, "confirm", "Confirmer mon adresse", exc)
    return _page(identity, "confirmed", "Adresse confirmée")


@get(RESET_PATH, include_in_schema=False)
async def reset_form(identity: IdentityDep, jeton: str = "") -> Template:
    return _page(identity, "reset", "Choisir un nouveau mot de passe", token=jeton)


@post(RESET_PATH, include_in_schema=False, status_code=200)
async def reset(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                identity: IdentityDep) -> Template:
    values, _ = await form_values(request)
    token = values.get("jeton", "")
    title = "Choisir un nouveau mot de passe"
    try:
        if values.get("password") != values.get("password_again"):
            raise DomainError("les deux mots de passe diffèrent", field="password_again")
        mails = await accounts.reset_password(db_session, settings, token, values.get("password", ""))
    except DomainError as exc:
        await db_session.rollback()  # the link is not spent by a refused password
        if exc.field == "token":
            return _bad_link(identity, "reset", title, exc)
        return _page(identity, "reset", title, status_code=exc.status_code, token=token, errors=form_errors(exc))
    sign_out(request)  # every session ended, this one too: log in with the new password
    return _page(None, "reset_done", "Mot de passe changé", background=once_committed(deliver, settings, mails))


@get(FORGOT_PATH, include_in_schema=False)
async def forgot_form(identity: IdentityDep) -> Template:
    return _page(identity, "forgot", "Mot de passe oublié")


@post(FORGOT_PATH, include_in_schema=False, status_code=200)
async def forgot(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                 identity: IdentityDep) -> Template:
    values, _ = await form_values(request)
    email = values.get("email", "")
    if "@" not in email:
        return _page(identity, "forgot", "Mot de passe oublié", status_code=400, values=values,
                     errors={"email": "indiquez l'adresse email de votre compte"})
    mails = await accounts.request_reset(db_session, settings, email)
    # the same answer whether the address has an account or not
    return _page(identity, "sent", "Vérifiez votre boîte mail", detail=RESET_SENT,
                 background=once_committed(deliver, settings, mails))


@get(NEW_LINK_PATH, include_in_schema=False)
async def new_link_form(identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return log_in_first(NEW_LINK_PATH)
    return _page(identity, "new_link", "Recevoir un nouveau lien de confirmation")


@post(NEW_LINK_PATH, include_in_schema=False, status_code=200)
async def new_link(db_session: AsyncSession, settings: Settings, identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return log_in_first(NEW_LINK_PATH)
    mails = await accounts.resend_confirmation(db_session, settings, identity)
    detail = ("un nouveau lien de confirmation vient d'être envoyé à votre adresse" if mails
              else "votre adresse est déjà confirmée : rien à faire")
    return _page(identity, "sent", "Vérifiez votre boîte mail", detail=detail,
                 background=once_committed(deliver, settings, mails))


@get("/compte/connexion", include_in_schema=False)
async def old_login() -> Redirect:
    return see_other("/connexion")


@get("/compte/invitations", include_in_schema=False)
async def invitations(identity: IdentityDep) -> Redirect:
    """The invitation email's link: the invitations received are in « mon espace »."""
    return see_other("/mon-compte#invitations") if identity is not None else log_in_first("/mon-compte")


# under the login pages' rate limit on their posts (api.pages.accounts.account_pages)
LINK_PAGES = [confirm_form, confirm, reset_form, reset, forgot_form, forgot, new_link_form, new_link,
              old_login, invitations]
