"""« Toujours d'actualité ? »: the freshness of published listings, driven by an injected clock.

1. ask: a published listing neither updated nor confirmed for FRESHNESS_DAYS gets an email (to its
   organisation's members, or its contact address) with a one-click confirm link;
2. stale: still unanswered FRESHNESS_GRACE_DAYS later, it is marked stale (hidden from search);
3. archive: stale for FRESHNESS_ARCHIVE_DAYS, it is archived (the moderation log says so).
Confirming at any time before the archive clears the question and the stale mark and shows
« vérifié le … ». Each step is a conditional UPDATE on the columns it reads, so runs that overlap
or repeat ask once, mark once, archive once.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from market.config import Settings
from market.db import rows_changed
from market.errors import InvalidField, NotFound
from market.listings import kinds
from market.models import ModerationAction, utcnow
from market.notifications import outbox, preferences, recipients, tokens
from market.notifications.events import listing_path

KIND = "freshness"
CONFIRM_PAGE = "/annonces/toujours-d-actualite"


def _who(kind: str, listing_id: int) -> str:
    return f"listing:{kind}:{listing_id}"


def confirm_link(settings: Settings, kind: str, listing_id: int) -> str:
    return f"{CONFIRM_PAGE}?token={tokens.make(settings, _who(kind, listing_id), 'fresh')}"


async def check(factory: async_sessionmaker[AsyncSession], settings: Settings,
                now: datetime | None = None) -> Counter[str]:
    now = now or utcnow()
    outcome: Counter[str] = Counter()
    for kind, spec in kinds.KINDS.items():
        model = spec.model
        # an edit is a sign of life too: the latest of the edit and the confirmation counts
        last_sign = func.coalesce(model.verified_at, model.updated_at)
        async with factory() as session, session.begin():
            outcome["restored"] += await rows_changed(session, update(model).where(
                model.stale_at.is_not(None), last_sign > model.stale_at)
                .values(stale_at=None, freshness_asked_at=None, updated_at=model.updated_at)
                .execution_options(synchronize_session=False))
        async with factory() as session, session.begin():
            due = list(await session.scalars(select(model).where(
                model.status == "published", last_sign < now - timedelta(days=settings.freshness_days),
                or_(model.freshness_asked_at.is_(None), model.freshness_asked_at < last_sign))))
            for listing in due:
                outcome["asked"] += await _ask(session, settings, kind, listing, now)
        async with factory() as session, session.begin():
            outcome["stale"] += await rows_changed(session, update(model).where(
                model.status == "published", model.stale_at.is_(None), last_sign <= model.freshness_asked_at,
                model.freshness_asked_at < now - timedelta(days=settings.freshness_grace_days))
                .values(stale_at=now, updated_at=model.updated_at).execution_options(synchronize_session=False))
        async with factory() as session, session.begin():
            outcome["archived"] += await _archive(session, settings, kind, model, now)
    return outcome


async def _ask(session: AsyncSession, settings: Settings, kind: str, listing: Any, now: datetime) -> int:
    model = type(listing)
    asked = model.freshness_asked_at
    unchanged = asked.is_(None) if listing.freshness_asked_at is None else asked == listing.freshness_asked_at
    claimed = await rows_changed(session, update(model).where(model.id == listing.id, unchanged)
                                 .values(freshness_asked_at=now, updated_at=model.updated_at)
                                 .execution_options(synchronize_session=False))
    if claimed != 1:
        return 0
    members = await recipients.members(session, kind, listing)
    addresses = [(preferences.of_account(m.account_id), m.email) for m in members]
    if not members and listing.contact_email:
        addresses = [(preferences.of_address(listing.contact_email), listing.contact_email)]
    context = {"kind": KIND, "own": kinds.KINDS[kind].title(listing), "link": listing_path(kind, listing),
               "confirm": confirm_link(settings, kind, listing.id), "grace_days": settings.freshness_grace_days}
    for subscriber, address in addresses:
        if await preferences.wants(session, subscriber, KIND):
            await outbox.enqueue(session, address, "freshness_ask", {**context, "subscriber": subscriber})
    return 1


async def _archive(session: AsyncSession, settings: Settings, kind: str, model: Any, now: datetime) -> int:
    ids = list(await session.scalars(select(model.id).where(
        model.status == "published", model.stale_at < now - timedelta(days=settings.freshness_archive_days))))
    archived = 0
    for listing_id in ids:
        if await rows_changed(session, update(model).where(model.id == listing_id, model.status == "published")
                              .values(status="archived").execution_options(synchronize_session=False)):
            session.add(ModerationAction(listing_kind=kind, listing_id=listing_id, action="archive",
                                         from_status="published", to_status="archived", actor_role="system",
                                         reason="sans réponse à « toujours d'actualité ? »", at=now))
            archived += 1
    return archived


async def confirm(session: AsyncSession, settings: Settings, token: str, now: datetime | None = None) -> str:
    """The owner's one click: the listing is fresh again (shown « vérifié le … », back in search)."""
    who, purpose = tokens.read(settings, token)
    parts = who.split(":")
    if purpose != "fresh" or len(parts) != 3 or parts[1] not in kinds.KINDS or not parts[2].isdigit():
        raise InvalidField("lien de confirmation invalide", field="token", source="query")
    spec = kinds.KINDS[parts[1]]
    model = spec.model
    changed = await rows_changed(session, update(model).where(model.id == int(parts[2]),
                                                              model.status == "published")
                                 .values(verified_at=now or utcnow(), freshness_asked_at=None, stale_at=None,
                                         updated_at=model.updated_at)
                                 .execution_options(synchronize_session=False))
    if not changed:
        raise NotFound("cette annonce n'est plus publiée : elle ne peut plus être confirmée")
    return "Merci : l'annonce est confirmée d'actualité."
