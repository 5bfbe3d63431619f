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
from market.notifications import service as notifications
from market.notifications.schemas import Preferences

PAGE = "/notifications/desabonnement"


@get(PAGE, include_in_schema=False)
async def unsubscribe_page(identity: IdentityDep, token: str = "") -> Template:
    return render("unsubscribe.html", identity, title="Se désabonner", token=token, done=None)


@post(PAGE, include_in_schema=False, status_code=200)
async def unsubscribe(db_session: AsyncSession, settings: Settings, identity: IdentityDep,
                      token: str = "") -> Template:
    try:
        done = await notifications.unsubscribe(db_session, settings, token)
    except DomainError as exc:
        return render("unsubscribe.html", identity, status_code=400, title="Se désabonner", token="",
                      done=None, error=exc.detail)
    return render("unsubscribe.html", identity, title="Désabonnement fait", token="", done=done)


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
            chosen = {k: values[k] for k in ("interest", "accepted", "declined", "partnership") if k in values}
            await notifications.set_preferences(db_session, identity, msgspec.convert(chosen, Preferences))
    except (DomainError, msgspec.ValidationError) as exc:
        await db_session.rollback()
        detail = getattr(exc, "detail", "choix de notification invalide")
        return see_other(f"/mes-mises-en-relation?erreur={quote(detail)}")
    return see_other("/mes-mises-en-relation")
