"""Bodies of the notification routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from market.notifications.kinds import EventKind, Mode
from market.schemas import Body, Id, Out


class NotificationOut(Out):
    id: int
    kind: EventKind
    match_id: int
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Out):
    items: list[NotificationOut]
    unread: int


class MarkRead(Body):
    """Which to mark read: these ids (yours only), or all of them when `ids` is not sent."""

    ids: Annotated[list[Id], msgspec.Meta(max_length=500)] | msgspec.UnsetType = msgspec.UNSET


class Unread(Out):
    unread: int


class Preferences(Body):
    """Per kind of event: `immediate` (an email at once), `daily` (one digest a day) or `none`."""

    interest: Mode | msgspec.UnsetType = msgspec.UNSET
    accepted: Mode | msgspec.UnsetType = msgspec.UNSET
    declined: Mode | msgspec.UnsetType = msgspec.UNSET
    partnership: Mode | msgspec.UnsetType = msgspec.UNSET
    new_initiative: Mode | msgspec.UnsetType = msgspec.UNSET


class PreferencesOut(Out):
    interest: Mode
    accepted: Mode
    declined: Mode
    partnership: Mode
    new_initiative: Mode
