"""One's own notifications: the latest, the unread count, marking read; one's preferences; and the
one-click unsubscribe of the emails' signed links."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.config import Settings
from market.errors import InvalidField
from market.models import utcnow
from market.notifications import preferences, searches, tokens
from market.notifications.kinds import EVENT_KINDS, KIND_LABELS, MODE_LABELS
from market.notifications.models import Notification
from market.notifications.schemas import NotificationOut, NotificationPage, Preferences, PreferencesOut

LATEST = 50



def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(id=n.id, kind=n.kind, match_id=n.match_id, text=n.text, link=n.link,  # type: ignore[arg-type]
                           created_at=n.created_at, read_at=n.read_at)

async def unread_count(session: AsyncSession, account_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(Notification).where(
        Notification.account_id == account_id, Notification.read_at.is_(None))) or 0)


async def latest(session: AsyncSession, viewer: Identity | None) -> NotificationPage:
    viewer = signed_in(viewer)
    rows = await session.scalars(select(Notification).where(Notification.account_id == viewer.account_id)
                                 .order_by(Notification.id.desc()).limit(LATEST))
    items = [notification_out(n) for n in rows]
    return NotificationPage(items=items, unread=await unread_count(session, viewer.account_id))


async def unread_by_match(session: AsyncSession, account_id: int) -> dict[int, int]:
    rows = await session.execute(select(Notification.match_id, func.count()).where(
        Notification.account_id == account_id, Notification.read_at.is_(None)).group_by(Notification.match_id))
    return {match_id: count for match_id, count in rows.tuples()}


async def mark_read(session: AsyncSession, viewer: Identity | None, ids: list[int] | None) -> int:
    """Mark one's own notifications read (these ids, or all); returns the unread count left.
    Ids that are not one's own are ignored, so they tell nothing about other accounts."""
    viewer = signed_in(viewer)
    stmt = update(Notification).where(Notification.account_id == viewer.account_id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    await session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False))
    return await unread_count(session, viewer.account_id)


async def my_preferences(session: AsyncSession, viewer: Identity | None) -> PreferencesOut:
    viewer = signed_in(viewer)
    return PreferencesOut(**await preferences.modes(session, preferences.of_account(viewer.account_id)))


async def set_preferences(session: AsyncSession, viewer: Identity | None, chosen: Preferences) -> PreferencesOut:
    viewer = signed_in(viewer)
    values: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(chosen).items() if v is not msgspec.UNSET}
    await preferences.choose(session, preferences.of_account(viewer.account_id), values)
    return await my_preferences(session, viewer)


async def unsubscribe(session: AsyncSession, settings: Settings, token: str) -> str:
    """Turn off what the link was for (one kind, or every kind for a digest's link); returns a French sentence."""
    subscriber, kind = tokens.read(settings, token)
    if kind == "search" and subscriber.startswith("search:") and subscriber[7:].isdigit():
        await searches.stop(session, subscriber)
        return "C'est fait : cette alerte est arrêtée, vous ne recevrez plus ses emails."
    if kind == "freshness":  # the question stops coming; the listing still goes stale unanswered
        await preferences.choose(session, subscriber, {"freshness": "none"})
        return "C'est fait : vous ne recevrez plus ces questions (sans réponse, l'annonce sortira des recherches)."
    if kind != "all" and kind not in EVENT_KINDS:
        raise InvalidField("lien de désabonnement invalide", field="token", source="query")
    kinds = EVENT_KINDS if kind == "all" else (kind,)
    await preferences.choose(session, subscriber, dict.fromkeys(kinds, "none"))
    return (f"C'est fait : vous ne recevrez plus d'email pour ces notifications ({MODE_LABELS['none']}). "
            "Vous pouvez les rétablir depuis « Mes mises en relation ».")


async def inbox_context(session: AsyncSession, viewer: Identity | None) -> dict[str, Any]:
    """What « mes mises en relation » shows of the notifications: unread counts (in all, per match),
    the latest ones, and the email choices with their labels."""
    page = await latest(session, viewer)
    viewer = signed_in(viewer)
    return {"unread": page.unread, "unread_by_match": await unread_by_match(session, viewer.account_id),
            "notices": page.items[:10], "notice_modes": await my_preferences(session, viewer),
            "kind_labels": KIND_LABELS, "mode_labels": MODE_LABELS}
