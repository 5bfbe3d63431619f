"""The home page, the accessibility statement, and the French error pages."""

from __future__ import annotations

from litestar import get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.identity import IdentityDep
from api.pages.activity import describe
from api.pages.common import WEB_KINDS, render
from market import figures
from market.listings import service as listings
from market.live import events

FEED_SIZE = 8


@get("/", include_in_schema=False)
async def home(db_session: AsyncSession, identity: IdentityDep) -> Template:
    latest = await listings.browse(db_session, WEB_KINDS[0].spec, listings.ListingQuery(page_size=6, sort="newest"))
    activity = [describe(events.public(item)) for item in await events.recent(db_session, identity, limit=FEED_SIZE)]
    return render("home.html", identity, title="Accueil", figures=await figures.live(db_session),
                  latest=latest.items, activity=activity)


@get("/accessibilite", include_in_schema=False)
async def accessibility(identity: IdentityDep) -> Template:
    return render("accessibility.html", identity, title="Déclaration d'accessibilité")
