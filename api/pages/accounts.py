"""Account pages: register, log in, log out, my space (account, organisations, my data)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.middleware.rate_limit import get_remote_address
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.controllers.accounts import SIGN_UP_SENT
from api.identity import IdentityDep
from api.pages.account_links import LINK_PAGES
from api.pages.common import form_errors, form_values, log_in_first, render, see_other
from api.pages.members import DONE
from api.pages.my_space import my_space_page
from api.security import auth_rate_limit
from api.sessions import sign_in, sign_out
from api.transaction import once_committed
from market.accounts import organisations
from market.accounts import service as accounts
from market.accounts.throttle import LoginThrottle
from market.config import Settings
from market.errors import DomainError
from market.mail import deliver
from market.vocabulary import MEMBER_ROLES, ORGANISATION_KINDS


def _next(raw: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another site)."""
    return raw if raw and raw.startswith("/") and not raw.startswith("//") else "/mon-compte"


@get("/connexion", include_in_schema=False)
async def login_form(request: Request[Any, Any, Any], identity: IdentityDep) -> Template:
    return render("login.html", identity, title="Se connecter", values={}, errors={},
                  next=_next(request.query_params.get("suite")))


@post("/connexion", include_in_schema=False)
async def login(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                identity: IdentityDep) -> Template | Redirect:
    values, _ = await form_values(request)
    engine = db_session.bind
    assert isinstance(engine, AsyncEngine)
    throttle = LoginThrottle(engine, settings)
    try:
        account = await accounts.authenticate(db_session, settings, throttle, values.get("email", ""),
                                              values.get("password", ""), get_remote_address(request))
    except DomainError as exc:
        await db_session.commit()  # the failure counters are kept
        return render("login.html", identity, status_code=exc.status_code, title="Se connecter",
                      values={"email": values.get("email", "")}, errors={"formulaire": exc.detail},
                      next=_next(values.get("suite")))
    sign_in(request, account.id)
    return see_other(_next(values.get("suite")))


@get("/inscription", include_in_schema=False)
async def register_form(identity: IdentityDep) -> Template:
    return render("register.html", identity, title="Créer un compte", values={}, errors={})


@post("/inscription", include_in_schema=False)
async def register(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                   identity: IdentityDep) -> Template | Redirect:
    values, _ = await form_values(request)
    try:
        if values.get("password") != values.get("password_again"):
            raise DomainError("les deux mots de passe diffèrent", field="password_again")
        mails = await accounts.sign_up(db_session, settings, values.get("email", ""), values.get("password", ""),
                                       values.get("display_name") or None)
    except DomainError as exc:
        await db_session.rollback()
        kept = {k: values.get(k, "") for k in ("email", "display_name")}
        return render("register.html", identity, status_code=exc.status_code, title="Créer un compte",
                      values=kept, errors=form_errors(exc))
    # the same answer whether the address already had an account (the email says the rest)
    return render("register_sent.html", identity, title="Vérifiez votre boîte mail", detail=SIGN_UP_SENT,
                  background=once_committed(deliver, settings, mails))


@post("/deconnexion", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    sign_out(request)
    return see_other("/")


@get("/mon-compte", include_in_schema=False)
async def my_space(request: Request[Any, Any, Any], db_session: AsyncSession,
                   identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return log_in_first("/mon-compte")
    return await my_space_page(db_session, identity, welcome="bienvenue" in request.query_params,
                               invited=request.query_params.get("invitation") == "envoyee",
                               password_changed=request.query_params.get("mot-de-passe") == "change",
                               done=DONE.get(request.query_params.get("fait", "")))


@post("/organisations/nouvelle", include_in_schema=False)
async def create_organisation(request: Request[Any, Any, Any], db_session: AsyncSession,
                              identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return Redirect(path="/connexion", status_code=303)
    values, _ = await form_values(request)
    try:
        if values.get("kind") not in ORGANISATION_KINDS:
            raise DomainError("choisissez le type d'organisation", field="kind")
        if values.get("role") not in MEMBER_ROLES:
            raise DomainError("choisissez votre rôle", field="role")
        await organisations.create(db_session, identity, values.get("name", ""), values.get("kind", ""),
                                   values.get("role", ""))
    except DomainError as exc:
        await db_session.rollback()
        return await my_space_page(db_session, identity, values=values, errors=form_errors(exc),
                                   status_code=exc.status_code)
    return see_other("/mon-compte")


# Logging in and registering start a session, and the emailed links' pages mail or set a password:
# the same rate limit per address as the JSON API's (on the posts only).
def account_pages(settings: Settings) -> Router:
    return Router(path="/", route_handlers=[login_form, login, register_form, register, *LINK_PAGES],
                  middleware=[auth_rate_limit(settings)], include_in_schema=False)


ACCOUNT_PAGES = [logout, my_space, create_organisation]
