"""Archiving one of my listings from « mes annonces »: a confirmation page (GET), then the archive
itself (POST, the same service as DELETE /api/<kind>/<id>, whose access rule decides)."""

from __future__ import annotations

from litestar import get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id
from api.identity import IdentityDep
from api.pages.common import WEB_KINDS, WebKind, log_in_first, render, see_other
from market.errors import DomainError
from market.listings import service as listings


def _name(item: object) -> str:
    return str(getattr(item, "title", None) or getattr(item, "name", ""))


def archive_pages(kind: WebKind) -> list[HTTPRouteHandler]:
    @get(f"/{kind.path}/{{listing_id:str}}/archiver", include_in_schema=False, name=f"{kind.path}-archive-form")
    async def confirm(db_session: AsyncSession, identity: IdentityDep, listing_id: str) -> Template | Redirect:
        path = f"/{kind.path}/{listing_id}/archiver"
        if identity is None:
            return log_in_first(path)
        item = await listings.load_managed(db_session, kind.spec, parse_id(listing_id, kind.singular), identity)
        return render("archive_confirm.html", identity, title=f"Archiver « {_name(item)} »", kind=kind, item=item,
                      name=_name(item), error=None)

    @post(f"/{kind.path}/{{listing_id:str}}/archiver", include_in_schema=False, name=f"{kind.path}-archive")
    async def archive(db_session: AsyncSession, identity: IdentityDep, listing_id: str) -> Template | Redirect:
        path = f"/{kind.path}/{listing_id}/archiver"
        if identity is None:
            return log_in_first(path)
        number = parse_id(listing_id, kind.singular)
        try:
            await listings.archive(db_session, kind.spec, number, actor=identity)
        except DomainError as exc:
            await db_session.rollback()
            if exc.status_code != 409:
                raise  # 403, 404: the error page
            item = await listings.load_managed(db_session, kind.spec, number, identity)
            return render("archive_confirm.html", identity, status_code=409, title=f"Archiver « {_name(item)} »",
                          kind=kind, item=item, name=_name(item), error=exc.detail)
        return see_other("/mes-annonces?archivee=1")

    return [confirm, archive]


ARCHIVE_PAGES = [handler for kind in WEB_KINDS for handler in archive_pages(kind)]
