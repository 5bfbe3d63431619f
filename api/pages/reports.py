"""« Signaler » from a listing's public page: the same service as POST /api/{resource}/{id}/reports."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id
from api.identity import IdentityDep
from api.pages.common import WEB_KINDS, WebKind, form_errors, form_values, render, see_other
from market.errors import DomainError, NotAuthenticated
from market.listings import service as listings
from market.moderation import reports


def report_page(kind: WebKind) -> HTTPRouteHandler:
    @post(f"/{kind.path}/{{listing_id:str}}/signaler", include_in_schema=False, name=f"{kind.path}-report")
    async def report(request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep,
                     listing_id: str) -> Template | Redirect:
        values, _ = await form_values(request)
        number = parse_id(listing_id, kind.singular)
        if identity is None:
            return see_other(f"/connexion?suite=/{kind.path}/{number}")
        try:
            await reports.report(db_session, kind.spec, number, identity, values.get("reason", ""))
        except NotAuthenticated:
            return see_other(f"/connexion?suite=/{kind.path}/{number}")
        except DomainError as exc:
            await db_session.rollback()
            item = await listings.read(db_session, kind.spec, number, identity)
            return render("report.html", identity, status_code=exc.status_code, title="Signaler cette annonce",
                          kind=kind, listing=kind.spec.to_out(item), values=values, errors=form_errors(exc))
        return see_other(f"/{kind.path}/{number}?signalee=1")

    return report


REPORT_PAGES = [report_page(kind) for kind in WEB_KINDS]
