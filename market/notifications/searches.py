"""Saved searches: save one, list and delete one's own, confirm an address, stop by the signed link.

A signed-in (confirmed) account's search is active at once and mailed to its address; without an
account the search waits for its address to be confirmed (a signed link, sent through the outbox).
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.config import Settings
from market.errors import InvalidField, NotFound
from market.listings import kinds
from market.listings import service as listings
from market.models import utcnow
from market.notifications import outbox, tokens
from market.notifications.models import SavedSearch
from market.notifications.search_schemas import FILTERS, SavedSearchCreate, SavedSearchOut

CONFIRM_PAGE = "/alertes/confirmer"


def subscriber(search_id: int) -> str:
    return f"search:{search_id}"


def query_of(search: SavedSearch, page_size: int = 100) -> listings.ListingQuery:
    saved = search.query
    return listings.ListingQuery(q=saved.get("q"), territory=saved.get("territory"),
                                 filters=dict(saved.get("filters", {})), page_size=page_size, sort="newest")


def out(search: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(id=search.id, kind=search.kind, q=search.query.get("q"),  # type: ignore[arg-type]
                          territory=search.query.get("territory"), filters=dict(search.query.get("filters", {})),
                          frequency=search.frequency, confirmed=search.confirmed_at is not None,  # type: ignore[arg-type]
                          created_at=search.created_at, last_sent_at=search.last_sent_at)


async def create(session: AsyncSession, settings: Settings, sent: SavedSearchCreate,
                 viewer: Identity | None) -> SavedSearchOut:
    values = msgspec.structs.asdict(sent)
    filters = {name: values[name] for name in FILTERS if values[name] not in (None, [])}
    search = SavedSearch(kind=sent.kind, frequency=sent.frequency, created_at=utcnow(),
                         query={"q": sent.q, "territory": sent.territory, "filters": filters})
    await listings.browse(session, kinds.KINDS[sent.kind], query_of(search, 1))  # refuses what browse refuses
    if viewer is not None:
        viewer = signed_in(viewer)
        if sent.email is not msgspec.UNSET:
            raise InvalidField("signé·e, les alertes vont à l'adresse du compte : n'envoyez pas « email »",
                               field="email")
        search.account_id, search.confirmed_at = viewer.account_id, search.created_at
    elif sent.email is msgspec.UNSET:
        raise InvalidField("sans compte, donnez l'adresse où recevoir l'alerte", field="email")
    else:
        search.email = sent.email.strip().lower()
    session.add(search)
    await session.flush()
    if search.confirmed_at is None:
        await outbox.enqueue(session, search.email or "", "search_confirm", {
            "subscriber": subscriber(search.id), "kind": "search", "listing_kind": kinds.KINDS[search.kind].label,
            "frequency": search.frequency, "confirm": f"{CONFIRM_PAGE}?token={confirm_token(settings, search.id)}"})
    return out(search)


def confirm_token(settings: Settings, search_id: int) -> str:
    return tokens.make(settings, subscriber(search_id), "confirm")


async def confirm(session: AsyncSession, settings: Settings, token: str) -> SavedSearchOut:
    who, purpose = tokens.read(settings, token)
    if purpose != "confirm" or not who.startswith("search:"):
        raise InvalidField("lien de confirmation invalide", field="token", source="query")
    search = await session.get(SavedSearch, int(who.removeprefix("search:")))
    if search is None:
        raise NotFound("cette alerte n'existe plus")
    search.confirmed_at = search.confirmed_at or utcnow()
    return out(search)


async def stop(session: AsyncSession, who: str) -> None:
    """The unsubscribe link of a search's digest: the search stops (kept, so its hits are never sent again)."""
    search = await session.get(SavedSearch, int(who.removeprefix("search:")))
    if search is not None:
        search.unsubscribed_at = search.unsubscribed_at or utcnow()


async def mine(session: AsyncSession, viewer: Identity | None) -> list[SavedSearchOut]:
    viewer = signed_in(viewer)
    rows = await session.scalars(select(SavedSearch).where(SavedSearch.account_id == viewer.account_id,
                                                           SavedSearch.unsubscribed_at.is_(None))
                                 .order_by(SavedSearch.id))
    return [out(s) for s in rows]


async def delete(session: AsyncSession, viewer: Identity | None, search_id: int) -> None:
    viewer = signed_in(viewer)
    search = await session.get(SavedSearch, search_id)
    if search is None or search.account_id != viewer.account_id or search.unsubscribed_at is not None:
        raise NotFound(f"alerte {search_id} introuvable")
    search.unsubscribed_at = utcnow()


def describe(search: SavedSearch) -> dict[str, Any]:
    return {"listing_kind": kinds.KINDS[search.kind].label, "q": search.query.get("q"),
            "territory": search.query.get("territory"), "frequency": search.frequency}
