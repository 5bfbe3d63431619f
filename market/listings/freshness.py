"""Which published listings search shows: not stale (an unanswered « toujours d'actualité ? »), and
not over: a takeover opportunity past its deadline, a volunteer offer with no hours left (matching
leaves those out by its own eligibility rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_


def in_search(kind: str, model: Any) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [model.stale_at.is_(None)]
    if kind == "takeover":
        conditions.append(or_(model.deadline.is_(None), model.deadline >= datetime.now(UTC).date()))
    if kind == "volunteer_offer":
        conditions.append(model.hours > 0)
    return conditions
