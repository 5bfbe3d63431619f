"""Moderators' views: the queue of listings waiting for review and the log of every action.
(The actions themselves are POST /api/{resource}/{id}/moderation, beside each listing kind.)"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.guards import ACCOUNT
from api.identity import IdentityDep
from market.moderation import service as review
from market.moderation.schemas import ModerationLog, Queue
from market.vocabulary import ListingKind

Page = Annotated[int, Parameter(ge=1, le=10_000)]
PageSize = Annotated[int, Parameter(ge=1, le=100)]
Id = Annotated[int, Parameter(ge=1, le=2**31 - 1)]


class ModerationController(Controller):
    path = "/api/moderation"
    opt = ACCOUNT
    tags = ["modération"]

    @get("/queue", summary="Annonces en attente de modération, les plus anciennes d'abord")
    async def queue(self, db_session: AsyncSession, identity: IdentityDep, kind: ListingKind | None = None) -> Queue:
        return await review.queue(db_session, identity, kind)

    @get("/actions", summary="Journal de modération : qui, quand, quoi, pourquoi")
    async def actions(self, db_session: AsyncSession, identity: IdentityDep, kind: ListingKind | None = None,
                      listing_id: Id | None = None, actor_id: Id | None = None, page: Page = 1,
                      page_size: PageSize = 50) -> ModerationLog:
        return await review.log(db_session, identity, kind=kind, listing_id=listing_id, actor_id=actor_id,
                                page=page, page_size=page_size)
