"""One's notifications (latest, unread count, mark read), one's email preferences per kind of event,
and the one-click unsubscribe of the emails (RFC 8058: a POST with no cookie, by the mail client)."""

from __future__ import annotations

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id, strict_body
from api.guards import ACCOUNT, ANONYMOUS
from api.identity import IdentityDep
from market.config import Settings
from market.notifications import freshness, searches
from market.notifications import service as notifications
from market.notifications.schemas import MarkRead, NotificationPage, Preferences, PreferencesOut, Unread
from market.notifications.search_schemas import SavedSearchCreate, SavedSearchOut


class NotificationController(Controller):
    path = "/api/me"
    opt = ACCOUNT
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


    @get("/saved-searches", summary="Mes recherches enregistrées (alertes)")
    async def my_searches(self, db_session: AsyncSession, identity: IdentityDep) -> list[SavedSearchOut]:
        return await searches.mine(db_session, identity)

    @delete("/saved-searches/{search_id:str}", status_code=204, summary="Arrêter une de mes alertes")
    async def stop_search(self, db_session: AsyncSession, identity: IdentityDep, search_id: str) -> None:
        await searches.delete(db_session, identity, parse_id(search_id, "alerte"))


@post("/api/saved-searches", opt=ANONYMOUS, tags=["notifications"],
      summary="Enregistrer une recherche : ses nouvelles annonces par email (immédiat, quotidien, hebdomadaire)")
async def save_search(db_session: AsyncSession, settings: Settings, identity: IdentityDep, data: SavedSearchCreate,
                      body: bytes) -> SavedSearchOut:
    return await searches.create(db_session, settings, strict_body(body, SavedSearchCreate), identity)


@post("/api/saved-searches/confirm", status_code=200, opt=ANONYMOUS, tags=["notifications"],
      summary="Confirmer l'adresse d'une alerte (le lien signé de l'email)")
async def confirm_search(db_session: AsyncSession, settings: Settings,
                         token: str = Parameter(max_length=200, description="le jeton signé du lien"),
                         ) -> SavedSearchOut:
    return await searches.confirm(db_session, settings, token)


class Done(msgspec.Struct):
    detail: str


@post("/api/listings/confirm-fresh", status_code=200, opt=ANONYMOUS, tags=["notifications"],
      summary="Confirmer qu'une annonce est toujours d'actualité (le lien signé de l'email)")
async def confirm_fresh(db_session: AsyncSession, settings: Settings,
                        token: str = Parameter(max_length=200, description="le jeton signé du lien")) -> Done:
    return Done(detail=await freshness.confirm(db_session, settings, token))


@post("/api/notifications/unsubscribe", status_code=200, opt=ANONYMOUS, tags=["notifications"],
      summary="Désabonnement en un clic (le lien signé des emails)")
async def unsubscribe(db_session: AsyncSession, settings: Settings,
                      token: str = Parameter(max_length=200, description="le jeton signé du lien")) -> Done:
    return Done(detail=await notifications.unsubscribe(db_session, settings, token))
