"""The emails' unsubscribe link in the web client: GET shows a button (a link preview or an
antivirus opening the link changes nothing), POST does it; mail clients POST it in one click
(`List-Unsubscribe-Post`). And the notification choices of « mes mises en relation »."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.identity import IdentityDep
from api.pages.common import form_values, render, see_other
from market.config import Settings
from market.errors import DomainError
from market.notifications import freshness, searches
from market.notifications import service as notifications
from market.notifications.kinds import EVENT_KINDS
from market.notifications.schemas import Preferences

PAGE = "/notifications/desabonnement"


UNSUBSCRIBE = {"title": "Se désabonner", "action": PAGE, "button": "Confirmer le désabonnement",
               "intro": "Vous ne recevrez plus ces emails. Les notifications restent visibles dans « Mes mises en "
                        "relation » si vous avez un compte."}
CONFIRM = {"title": "Confirmer mon alerte", "action": searches.CONFIRM_PAGE, "button": "Activer l'alerte",
           "intro": "Confirmez cette adresse pour recevoir les nouvelles annonces de votre recherche."}


@get(PAGE, include_in_schema=False)
async def unsubscribe_page(identity: IdentityDep, token: str = "") -> Template:
    return render("one_click.html", identity, token=token, done=None, **UNSUBSCRIBE)


@post(PAGE, include_in_schema=False, status_code=200)
async def unsubscribe(db_session: AsyncSession, settings: Settings, identity: IdentityDep,
                      token: str = "") -> Template:
    try:
        done = await notifications.unsubscribe(db_session, settings, token)
    except DomainError as exc:
        return render("one_click.html", identity, status_code=400, token="", done=None, error=exc.detail,
                      **UNSUBSCRIBE)
    return render("one_click.html", identity, token="", done=done, **UNSUBSCRIBE)


@get(searches.CONFIRM_PAGE, include_in_schema=False)
async def confirm_page(identity: IdentityDep, token: str = "") -> Template:
    return render("one_click.html", identity, token=token, done=None, **CONFIRM)


@post(searches.CONFIRM_PAGE, include_in_schema=False, status_code=200)
async def confirm(db_session: AsyncSession, settings: Settings, identity: IdentityDep, token: str = "") -> Template:
    try:
        await searches.confirm(db_session, settings, token)
    except DomainError as exc:
        return render("one_click.html", identity, status_code=400, token="", done=None, error=exc.detail, **CONFIRM)
    return render("one_click.html", identity, token="", done="C'est fait : l'alerte est active.", **CONFIRM)


FRESH = {"title": "Toujours d'actualité ?", "action": freshness.CONFIRM_PAGE, "button": "Oui, elle est d'actualité",
         "intro": "Confirmez que votre annonce est toujours d'actualité : elle affichera « vérifiée le … »."}


@get(freshness.CONFIRM_PAGE, include_in_schema=False)
async def fresh_page(identity: IdentityDep, token: str = "") -> Template:
    return render("one_click.html", identity, token=token, done=None, **FRESH)


@post(freshness.CONFIRM_PAGE, include_in_schema=False, status_code=200)
async def fresh(db_session: AsyncSession, settings: Settings, identity: IdentityDep, token: str = "") -> Template:
    try:
        done = await freshness.confirm(db_session, settings, token)
    except DomainError as exc:
        return render("one_click.html", identity, status_code=400, token="", done=None, error=exc.detail, **FRESH)
    return render("one_click.html", identity, token="", done=done, **FRESH)


@post("/mes-mises-en-relation/notifications", include_in_schema=False)
async def choose(request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep) -> Redirect:
    """Mark everything read (`lu`), or save the choices of emails per kind of event."""
    if identity is None:
        return Redirect(path="/connexion?suite=/mes-mises-en-relation", status_code=303)
    values, _ = await form_values(request)
    try:
        if values.get("action") == "lu":
            await notifications.mark_read(db_session, identity, None)
        else:
            chosen = {k: values[k] for k in EVENT_KINDS if k in values}
            await notifications.set_preferences(db_session, identity, msgspec.convert(chosen, Preferences))
    except (DomainError, msgspec.ValidationError) as exc:
        await db_session.rollback()
        detail = getattr(exc, "detail", "choix de notification invalide")
        return see_other(f"/mes-mises-en-relation?erreur={quote(detail)}")
    return see_other("/mes-mises-en-relation")
