"""The saved searches' digests: for each confirmed, active search whose period has passed
(immediate: every run; daily: a day; weekly: seven days since its last email), the published
listings that match it, published since it was saved and never sent by it, in one email.

Each search is handled in its own transaction, its row locked (`FOR UPDATE SKIP LOCKED` on
PostgreSQL: two jobs never handle it at once), its hits recorded (the primary key refuses a
listing twice) and its email queued together: a crash leaves everything to the next run."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from market.listings import kinds
from market.listings import service as listings
from market.models import Account, utcnow
from market.notifications import outbox, searches
from market.notifications.events import WEB_PATHS
from market.notifications.models import SavedSearch, SavedSearchHit

PERIODS = {"immediate": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
MAX_ITEMS = 50


async def send_search_alerts(factory: async_sessionmaker[AsyncSession], now: datetime | None = None) -> int:
    """Queue the digests due at `now` (the clock is injected for tests); returns how many."""
    now = now or utcnow()
    async with factory() as session:
        ids = list(await session.scalars(select(SavedSearch.id).where(
            SavedSearch.confirmed_at.is_not(None), SavedSearch.unsubscribed_at.is_(None)).order_by(SavedSearch.id)))
    queued = 0
    for search_id in ids:
        async with factory() as session, session.begin():
            queued += await _one(session, search_id, now)
    return queued


async def _one(session: AsyncSession, search_id: int, now: datetime) -> int:
    search = await session.scalar(select(SavedSearch).where(SavedSearch.id == search_id,
                                                            SavedSearch.unsubscribed_at.is_(None))
                                  .with_for_update(skip_locked=True))
    if search is None or (search.last_sent_at is not None and now - search.last_sent_at < PERIODS[search.frequency]):
        return 0
    address = search.email
    if search.account_id is not None:
        account = await session.get(Account, search.account_id)
        address = account.email if account else None
    if not address:
        return 0
    spec = kinds.KINDS[search.kind]
    sent = set(await session.scalars(select(SavedSearchHit.listing_id).where(SavedSearchHit.search_id == search.id)))
    page = await listings.browse(session, spec, searches.query_of(search))
    new = [item for item in page.items
           if item.id not in sent and item.published_at is not None and item.published_at >= search.created_at]
    new = new[:MAX_ITEMS]
    if not new:
        return 0
    session.add_all([SavedSearchHit(search_id=search.id, listing_id=item.id, sent_at=now) for item in new])
    search.last_sent_at = now
    items = [{"title": getattr(item, spec.title_attr), "link": f"/{WEB_PATHS[search.kind]}/{item.id}"} for item in new]
    await outbox.enqueue(session, address, "search_digest", {
        "subscriber": searches.subscriber(search.id), "kind": "search", "items": items, **searches.describe(search)})
    return 1
