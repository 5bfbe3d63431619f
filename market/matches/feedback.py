"""What users said of the ranking: the stored matches per candidate kind, how many were declined and
how many of those as not relevant (`python -m market.cli feedback`, which `python -m
matching.evaluate --database` runs). Reads only."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.models import Match
from market.vocabulary import CANDIDATE_KINDS, DECLINE_REASONS


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _figures(matches: int, declined: int, reasons: dict[str, int]) -> dict:
    not_relevant = reasons.get("not_relevant", 0)
    return {"matches": matches, "declined": declined, "not_relevant": not_relevant,
            "declined_share": _share(declined, matches), "not_relevant_share": _share(not_relevant, declined),
            "reasons": {code: reasons.get(code, 0) for code in (*DECLINE_REASONS, "none")}}


async def declined(session: AsyncSession) -> dict[str, dict]:
    """Per kind and overall: stored matches (a party acted on them), declined ones, declined as not
    relevant, the declined share of the stored and the not-relevant share of the declined, and the
    count of each reason ("none": declined without one)."""
    rows = await session.execute(
        select(Match.candidate_kind, Match.status, Match.decline_reason, func.count())
        .group_by(Match.candidate_kind, Match.status, Match.decline_reason))
    matches = dict.fromkeys(CANDIDATE_KINDS, 0)
    refused = dict.fromkeys(CANDIDATE_KINDS, 0)
    reasons: dict[str, dict[str, int]] = {kind: {} for kind in CANDIDATE_KINDS}
    for kind, status, reason, count in rows:
        if kind not in matches:
            continue
        matches[kind] += count
        if status == "declined":
            refused[kind] += count
            code = reason or "none"
            reasons[kind][code] = reasons[kind].get(code, 0) + count
    out: dict[str, dict] = {kind: _figures(matches[kind], refused[kind], reasons[kind]) for kind in CANDIDATE_KINDS}
    total: dict[str, int] = {}
    for kind in CANDIDATE_KINDS:
        for code, count in reasons[kind].items():
            total[code] = total.get(code, 0) + count
    out["overall"] = _figures(sum(matches.values()), sum(refused.values()), total)
    return out
