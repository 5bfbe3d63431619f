"""Which published listings search shows: not stale (an unanswered « toujours d'actualité ? »), and
not over: a takeover opportunity past its deadline, a volunteer offer with no hours left (matching
leaves those out by its own eligibility rules); and stale listings ranked lower in matching, with
the reason said."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, or_


def in_search(kind: str, model: Any) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [model.stale_at.is_(None)]
    if kind == "takeover":
        conditions.append(or_(model.deadline.is_(None), model.deadline >= datetime.now(UTC).date()))
    if kind == "volunteer_offer":
        conditions.append(model.hours > 0)
    return conditions


STALE_PENALTY = 25  # points taken from the score of a stale listing in rankings


def stale_reason(row: Any) -> str:
    return (f"annonce sans nouvelles de son auteur depuis le {row.stale_at.strftime('%d/%m/%Y')} : "
            f"classée plus bas (−{STALE_PENALTY})")


def lower_stale_pair(explanation: Any, candidate: Any) -> Any:
    """One pair's explanation as the initiative's ranking shows it: a stale candidate lowered by
    STALE_PENALTY points, with the reason (the score stored on a match when it moves too)."""
    if candidate.stale_at is None:
        return explanation
    return msgspec.structs.replace(explanation, score=max(0, explanation.score - STALE_PENALTY),
                                   reasons=[*explanation.reasons, stale_reason(candidate)])


def lower_stale(ranking: Any, rows: dict[int, Any], reverse: bool = False) -> Any:
    """The ranking with stale listings (candidates, or initiatives when `reverse`) lowered by
    STALE_PENALTY points, with the reason said, and the order redone (stable among equals)."""
    changed = []
    for match in ranking.matches:
        row = rows.get(int(match.initiative_id if reverse else match.candidate_id))
        if row is not None and row.stale_at is not None:
            match = msgspec.structs.replace(match, score=max(0, match.score - STALE_PENALTY),
                                            reasons=[*match.reasons, stale_reason(row)])
        changed.append(match)
    if changed == list(ranking.matches):
        return ranking
    return msgspec.structs.replace(ranking, matches=sorted(changed, key=lambda m: -m.score))
