"""The one entry point the matches call: `match_moved`, right after a transition, in the same
transaction. The other party's members get a notification each (and an email now, in the daily
digest, or none, as each chose); a party with no member yet is told through its listing's contact
address. Everything here runs in a savepoint: if telling fails, the move still commits."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from market.availability import database_unavailable
from market.listings import kinds as listing_kinds
from market.live import events as live
from market.models import Match, MatchEvent
from market.notifications import outbox, preferences, recipients
from market.notifications.kinds import BY_STATUS, EventKind
from market.notifications.models import Notification

log = logging.getLogger("bourse.notifications")
# the web client's page of each kind of listing (market knows nothing of the web layer's modules)
WEB_PATHS = {"initiative": "initiatives", "support_provider": "accompagnement", "takeover": "reprises",
             "volunteer_offer": "mecenat"}
TEXTS: dict[EventKind, str] = {
    "interest": "« {actor} » a manifesté son intérêt pour un rapprochement avec « {own} ».",
    "accepted": "« {actor} » a accepté la mise en relation avec « {own} » : ses coordonnées vous sont visibles.",
    "declined": "« {actor} » a décliné le rapprochement avec « {own} ».",
    "partnership": "« {actor} » a marqué son rapprochement avec « {own} » comme un partenariat.",
}


def match_link(match_id: int) -> str:
    return f"/mes-mises-en-relation#rapprochement-{match_id}"


def listing_path(kind: str, listing: Any) -> str:
    return f"/{WEB_PATHS[kind]}/{listing.id}"


async def match_moved(session: AsyncSession, match: Match, initiative: Any, candidate: Any, event: MatchEvent) -> None:
    """Tell the side that did not act. A failure is logged and rolled back to the savepoint; only the
    database going away is raised."""
    live.match_moved(session, match, initiative, candidate, event)  # both parties' streams, after the commit
    kind = BY_STATUS.get(event.to_status)
    if kind is None:
        return
    match_id = match.id  # read now: after a failed savepoint the instance may be expired
    try:
        async with session.begin_nested():
            await _tell(session, match, initiative, candidate, event.side, kind)
    except Exception as exc:
        if database_unavailable(exc):
            raise  # the move cannot be kept either: the request answers 503, not a move without its notice
        log.exception("match %s: the other party could not be notified", match_id)


async def _tell(session: AsyncSession, match: Match, initiative: Any, candidate: Any, acting: str,
                kind: EventKind) -> None:
    candidate_kind: str = match.candidate_kind
    told_kind: str
    if acting == "initiative":
        actor, told, told_kind = initiative, candidate, candidate_kind
    else:
        actor, told, told_kind = candidate, initiative, "initiative"
    actor_kind = "initiative" if acting == "initiative" else candidate_kind
    actor_title = listing_kinds.KINDS[actor_kind].title(actor)
    own_title = listing_kinds.KINDS[told_kind].title(told)
    text = TEXTS[kind].format(actor=actor_title, own=own_title)
    context = {"kind": kind, "text": text, "actor": actor_title, "own": own_title, "match_id": match.id,
               "link": match_link(match.id), "actor_link": listing_path(actor_kind, actor)}
    members = await recipients.members(session, told_kind, told)
    for member in members:
        subscriber = preferences.of_account(member.account_id)
        mode = (await preferences.modes(session, subscriber))[kind]
        session.add(Notification(account_id=member.account_id, kind=kind, match_id=match.id, text=text,
                                 link=context["link"], delivery=mode,
                                 emailed_at=match.updated_at if mode == "immediate" else None))
        if mode == "immediate":
            await outbox.enqueue(session, member.email, "match_event", {**context, "subscriber": subscriber})
    if not members and told.contact_email:
        subscriber = preferences.of_address(told.contact_email)
        if (await preferences.modes(session, subscriber))[kind] != "none":
            await outbox.enqueue(session, told.contact_email, "match_unclaimed",
                                 {**context, "subscriber": subscriber, "listing_link": listing_path(told_kind, told)})
    await session.flush()
