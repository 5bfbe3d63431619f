"""One's notifications (latest, unread count, mark read), one's email preferences per kind of event,
and the one-click unsubscribe of the emails (RFC 8058: a POST with no cookie, by the mail client)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import strict_body
from api.identity import IdentityDep
from market.config import Settings
from market.notifications import service as notifications
from market.notifications.schemas import MarkRead, NotificationPage, Preferences, PreferencesOut, Unread


class NotificationController(Controller):
    path = "/api/me"
    tags = ["notifications"]

    @get("/notifications", summary="Mes notifications (les 50 dernières) et combien sont non lues")
    async def latest(self, db_session: AsyncSession, identity: IdentityDep) -> NotificationPage:
        return await notifications.latest(db_session, identity)

    @post("/notifications/read", status_code=200, summary="Marquer mes notifications lues (ces ids, ou toutes)")
    async def mark_read(self, db_session: AsyncSession, identity: IdentityDep, data: MarkRead, body: bytes) -> Unread:
        sent = strict_body(body, MarkRead)
        ids = None if sent.ids is msgspec.UNSET else list(sent.ids)
        return Unread(unread=await notifications.mark_read(db_session, identity, ids))

    @get("/notification-preferences", summary="Mes choix d'emails par type d'événement")
    async def preferences(self, db_session: AsyncSession, identity: IdentityDep) -> PreferencesOut:
        return await notifications.my_preferences(db_session, identity)

    @put("/notification-preferences", summary="Choisir : email immédiat, résumé quotidien ou aucun")
    async def choose(self, db_session: AsyncSession, identity: IdentityDep, data: Preferences,
                     body: bytes) -> PreferencesOut:
        return await notifications.set_preferences(db_session, identity, strict_body(body, Preferences))


class Done(msgspec.Struct):
    detail: str


@post("/api/notifications/unsubscribe", status_code=200, tags=["notifications"],
      summary="Désabonnement en un clic (le lien signé des emails)")
async def unsubscribe(db_session: AsyncSession, settings: Settings,
                      token: str = Parameter(max_length=200, description="le jeton signé du lien")) -> Done:
    return Done(detail=await notifications.unsubscribe(db_session, settings, token))
