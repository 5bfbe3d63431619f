"""« Revendiquer cette annonce »: the link the emails give a listing with no member yet. GET shows
who may claim it and how; POST (CSRF) makes the signed-in account, with the listing's confirmed
contact address, the owner of its organisation (market/accounts/claims.py holds the rule)."""

from __future__ import annotations

from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id
from api.identity import IdentityDep
from api.pages.common import BY_PATH, WebKind, render
from market.accounts import claims
from market.errors import DomainError

PATH = "/revendiquer/{section:str}/{listing_id:str}"


def _kind(section: str) -> WebKind:
    if section not in BY_PATH:
        raise NotFoundException()
    return BY_PATH[section]


@get(PATH, include_in_schema=False)
async def claim_page(db_session: AsyncSession, identity: IdentityDep, section: str, listing_id: str) -> Template:
    web = _kind(section)
    found = await claims.find(db_session, web.spec.kind, parse_id(listing_id, web.singular))
    return render("claim.html", identity, web=web, listing=found.listing, open=found.open, done=None,
                  here=f"/revendiquer/{section}/{found.listing.id}")


@post(PATH, include_in_schema=False, status_code=200)
async def claim(db_session: AsyncSession, identity: IdentityDep, section: str, listing_id: str) -> Template:
    web = _kind(section)
    found = await claims.find(db_session, web.spec.kind, parse_id(listing_id, web.singular))
    here = f"/revendiquer/{section}/{found.listing.id}"
    try:
        organisation = await claims.claim(db_session, identity, web.spec.kind, found.listing.id)
    except DomainError as exc:
        return render("claim.html", identity, status_code=exc.status_code, web=web,
                      listing=found.listing, open=found.open, done=None, error=exc.detail, here=here)
    return render("claim.html", identity, web=web, listing=found.listing, open=False, here=here,
                  done=f"C'est fait : vous représentez désormais « {organisation.name} » sur la bourse.")


CLAIM_PAGES = [claim_page, claim]
