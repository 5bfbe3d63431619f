"""Request and response bodies of moderation: an action on a listing, the queue, the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from market.schemas import Body, Id, OrganisationRef, Out, Reason
from market.vocabulary import ListingKind, ModerationState


class ModerationRequest(Body):
    """`reason` is required to reject; `merge_into` (a listing of the same kind) to merge; `hide`
    takes a published listing offline at once (back to the queue); `dismiss` closes its reports."""

    action: Literal["publish", "reject", "archive", "merge", "hide", "dismiss"]
    reason: Reason | None = None
    merge_into: Id | None = None


class ModerationActionOut(Out):
    id: int
    listing_kind: ListingKind
    listing_id: int
    action: str
    from_status: ModerationState
    to_status: ModerationState
    reason: str | None
    merged_into_id: int | None
    details: dict[str, Any]
    actor_id: int | None
    actor_role: str | None
    at: datetime


class ModerationLog(Out):
    items: list[ModerationActionOut]
    total: int
    page: int
    page_size: int


class QueueItem(Out):
    kind: ListingKind
    id: int
    title: str
    status: ModerationState
    organisation: OrganisationRef | None
    created_at: datetime
    updated_at: datetime
    url: str
    open_reports: int = 0


class Queue(Out):
    items: list[QueueItem]


class ReportRequest(Body):
    reason: Reason


class ReportOut(Out):
    id: int
    listing_kind: ListingKind
    listing_id: int
    reason: str
    created_at: datetime
