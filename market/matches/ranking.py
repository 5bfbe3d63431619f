"""Calling the matching engine: rank candidates for an initiative, initiatives for a candidate, and
explain one pair. The only module of `market/` that calls `matching.engine`; pools of published
profiles are kept between requests (`pools`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.listings import freshness, kinds
from market.matches.pools import Cached, CandidatePools
from market.matches.profiles import profile_of, profiles_of, published
from market.vocabulary import CANDIDATE_KINDS, CandidateKind
from matching import engine
from matching import types as m
from matching.pool import Pool

DEFAULT_WEIGHTS: Mapping[str, float] = engine.WEIGHTS  # the code's weights, when no setting is stored
DEFAULT_FLOOR = engine.DEFAULT_FLOOR


def today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Ranked:
    """One ranking of the engine and the rows its matches point to, by id."""

    kind: CandidateKind
    ranking: m.Ranking
    rows: dict[int, Any]


async def _published_profiles(session: AsyncSession, pools: CandidatePools, kind: str, model: str | None) -> Cached:
    async def build() -> tuple[list[Any], Pool | None]:
        profiles = await profiles_of(session, kind, await published(session, kind), model)
        return profiles, engine.build_pool(kind, profiles) if kind != "initiative" else None

    return await pools.cached(session, kind, model, build)


async def warm(session: AsyncSession, pools: CandidatePools, model: str | None) -> None:
    """Build the candidate pools before the first request needs them (the app's start-up)."""
    for kind in CANDIDATE_KINDS:
        await _published_profiles(session, pools, kind, model)


async def _rows(session: AsyncSession, kind: str, ids: Iterable[str]) -> dict[int, Any]:
    """The rows of the listings a ranking points to (published, or they would not be ranked)."""
    table = kinds.KINDS[kind].model
    wanted = {int(i) for i in ids}
    found = list(await session.scalars(select(table).where(table.id.in_(wanted)))) if wanted else []
    return {row.id: row for row in found}


async def rank_for_initiative(session: AsyncSession, pools: CandidatePools, initiative: Any,
                              wanted: Sequence[CandidateKind], *, limit: int, model: str | None,
                              hints: int = 3, floor: int = engine.DEFAULT_FLOOR,
                              weights: Mapping[str, float] = engine.WEIGHTS) -> tuple[list[Ranked], list[m.Unlock]]:
    """Rank each kind of candidate for one initiative, and the changes that would unlock more."""
    profile = await profile_of(session, "initiative", initiative, model)
    day = today()
    ranked: list[Ranked] = []
    by_kind: dict[str, Pool] = {}
    for kind in wanted:
        pool = (await _published_profiles(session, pools, kind, model)).pool
        assert pool is not None
        by_kind[kind] = pool
        ranking = engine.rank(profile, pool, today=day, limit=limit, floor=floor, weights=weights)
        rows = await _rows(session, kind, (x.candidate_id for x in ranking.matches))
        ranking = freshness.lower_stale(ranking, rows)
        ranked.append(Ranked(kind, ranking, rows))
    return ranked, engine.unlock(profile, by_kind, today=day, limit=hints)


async def rank_for_candidate(session: AsyncSession, pools: CandidatePools, kind: CandidateKind, candidate: Any, *,
                             limit: int,
                             model: str | None, floor: int = engine.DEFAULT_FLOOR,
                             weights: Mapping[str, float] = engine.WEIGHTS) -> Ranked:
    """Rank the published initiatives for one candidate (reverse browsing)."""
    profile = await profile_of(session, kind, candidate, model)
    initiatives = (await _published_profiles(session, pools, "initiative", model)).profiles
    ranking = engine.rank_initiatives(profile, initiatives, today=today(), limit=limit, floor=floor, weights=weights)
    rows = await _rows(session, "initiative", (x.initiative_id for x in ranking.matches))
    return Ranked(kind, freshness.lower_stale(ranking, rows, reverse=True), rows)


async def explain_pair(session: AsyncSession, initiative: Any, kind: str, candidate: Any, *,
                       model: str | None, weights: Mapping[str, float] = engine.WEIGHTS) -> m.Explanation:
    """Every eligibility rule of the pair with pass/fail, and every score component."""
    profile = await profile_of(session, "initiative", initiative, model)
    other = await profile_of(session, kind, candidate, model)
    return freshness.lower_stale_pair(engine.explain(profile, other, today=today(), weights=weights), candidate)


async def eligible_counts(session: AsyncSession, pools: CandidatePools, kind: CandidateKind, *,
                          model: str | None) -> dict[int, int]:
    """For each published initiative, how many published candidates of `kind` it is eligible with
    (the coverage figures: an initiative with none has no help it can be matched to)."""
    initiatives = (await _published_profiles(session, pools, "initiative", model)).profiles
    pool = (await _published_profiles(session, pools, kind, model)).pool
    assert pool is not None
    day = today()
    return {int(p.id): engine.eligible_count(p, pool, today=day) for p in initiatives}
