"""Recording live events: in the transaction of the change, told only once it commits.

Services call `listing_moderated`, `match_moved` and `pledge_settled`; each adds a `LiveEvent` row to
the session. Just before the commit the rows are flushed (they get their ids) and, on PostgreSQL,
`pg_notify` is issued in the same transaction: PostgreSQL delivers a notification only if that
transaction commits, and drops it with a rolled-back savepoint. On SQLite the events are handed to
this process's hubs after the commit. A rolled-back change is never told.

Public events carry ids, kinds, titles of published listings, a department code, and a pledge's
amount only when its funder did not ask to stay anonymous: never a name or an address of a person.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, event, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from market.access import Identity
from market.live.models import LiveEvent
from market.models import Commune, Initiative, Match, MatchEvent, Pledge

log = logging.getLogger("bourse.live")
CHANNEL = "bourse_live"
MAX_PAYLOAD = 7900  # PostgreSQL refuses a NOTIFY payload of 8000 bytes or more
KEEP = 2000  # rows kept for resuming and for the home page; older ones are pruned
PUBLIC_KINDS = frozenset({"listing_published", "partnership", "pledge_settled"})
PENDING, COMMITTING = "live_pending", "live_committing"

# Where committed events go in this process (SQLite): engine URL -> the hubs' `hand_on`
LOCAL: dict[str, set[Callable[[dict[str, Any]], None]]] = {}


def wire(row: LiveEvent) -> dict[str, Any]:
    """What a stream sends and NOTIFY carries."""
    return {"id": row.id, "kind": row.kind, "audience": row.audience, "data": row.data,
            "at": row.created_at.isoformat() if row.created_at else None}


def visible(item: dict[str, Any], identity: Identity | None) -> bool:
    audience = item.get("audience") or []
    if not audience:
        return item.get("kind") in PUBLIC_KINDS
    return identity is not None and any(identity.acts_for(org, kind) for org, kind in audience)


def public(item: dict[str, Any]) -> dict[str, Any]:
    """The event as a client receives it: who may see it is not sent."""
    return {"id": item["id"], "kind": item["kind"], "at": item.get("at"), **item["data"]}


def _add(session: AsyncSession | Session, kind: str, data: dict[str, Any],
         audience: list[list[Any]] | None = None, commune_code: str | None = None) -> None:
    row = LiveEvent(kind=kind, data=data, audience=audience or [])
    session.add(row)
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sync.info.setdefault(PENDING, []).append((row, commune_code))


def _listing(kind: str, listing: Any) -> dict[str, Any]:
    from market.listings.kinds import KINDS  # the registry imports the listing services, which call us

    return {"listing_kind": kind, "listing_id": listing.id, "title": KINDS[kind].title(listing)[:200]}


def listing_moderated(session: AsyncSession | Session, kind: str, listing: Any, *, action: str, from_status: str,
                      reason: str | None) -> None:
    """A moderation change: the listing's members are told; everyone when it became published."""
    if listing.status == "published" and from_status != "published":
        _add(session, "listing_published", {**_listing(kind, listing), "department": None},
             commune_code=getattr(listing, "commune_code", None))
    if listing.organisation_id is not None:
        _add(session, "listing_moderated",
             {**_listing(kind, listing), "action": action, "from_status": from_status,
              "to_status": listing.status, "reason": (reason or "")[:500] or None},
             audience=[[listing.organisation_id, kind]])


def match_moved(session: AsyncSession, match: Match, initiative: Any, candidate: Any, moved: MatchEvent) -> None:
    """A match changed state: both parties are told; everyone of a partnership between published listings."""
    data = {"match_id": match.id, "from_status": moved.from_status, "to_status": moved.to_status,
            "acting_side": moved.side, "initiative": _listing("initiative", initiative),
            "candidate": _listing(match.candidate_kind, candidate)}
    audience = [[org, kind] for org, kind in ((initiative.organisation_id, "initiative"),
                                               (candidate.organisation_id, match.candidate_kind)) if org is not None]
    if audience:
        _add(session, "match_moved", data, audience=audience)
    if moved.to_status == "partnership" and initiative.status == candidate.status == "published":
        _add(session, "partnership", {"match_id": match.id, "initiative": data["initiative"],
                                      "candidate": data["candidate"]})


async def pledge_settled(session: AsyncSession, pledge_id: int) -> None:
    row = (await session.execute(
        select(Pledge.amount_cents, Pledge.anonymous, Initiative.id, Initiative.title, Initiative.status)
        .join(Initiative, Initiative.id == Pledge.initiative_id).where(Pledge.id == pledge_id))).one_or_none()
    if row is None or row.status != "published":
        return
    _add(session, "pledge_settled", {"listing_kind": "initiative", "listing_id": row.id, "title": row.title[:200],
                                     "amount_cents": None if row.anonymous else row.amount_cents})


async def recent(session: AsyncSession, identity: Identity | None, *, after: int | None = None,
                 limit: int = 20) -> list[dict[str, Any]]:
    """The events this person may see: after an id (oldest first), or the latest ones (newest first)."""
    query = select(LiveEvent)
    query = query.where(LiveEvent.id > after).order_by(LiveEvent.id) if after is not None \
        else query.order_by(LiveEvent.id.desc())
    found: list[dict[str, Any]] = []
    for batch in (await session.scalars(query.limit(KEEP))).partitions(100):
        found.extend(item for item in map(wire, batch) if visible(item, identity))
        if len(found) >= limit:
            break
    return found[:limit]


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()
    rows = [(row, code) for row, code in pending if inspect(row).persistent]  # not in a rolled-back savepoint
    for row, code in rows:
        if code and row.data.get("department", 0) is None:
            department = session.scalar(select(Commune.department_code).where(Commune.code == code))
            row.data = {**row.data, "department": department}
    session.flush()
    if not rows:
        return
    session.execute(delete(LiveEvent).where(LiveEvent.id <= max(row.id for row, _ in rows) - KEEP))
    items = [wire(row) for row, _ in rows]
    if session.get_bind().dialect.name == "postgresql":
        for item in items:
            payload = json.dumps(item, separators=(",", ":"))
            if len(payload.encode()) > MAX_PAYLOAD:  # the listeners read it from the table instead
                payload = json.dumps({"id": item["id"]})
            session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})
    else:
        session.info[COMMITTING] = items


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    items = session.info.pop(COMMITTING, None)
    if not items:
        return
    for publish in list(LOCAL.get(str(session.get_bind().engine.url), ())):
        for item in items:
            try:
                publish(item)
            except Exception:  # one hub's trouble never fails the commit that already happened
                log.exception("live event %s not handed on", item["id"])


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:  # the outermost rollback: nothing of it is told
    session.info.pop(PENDING, None)
    session.info.pop(COMMITTING, None)
