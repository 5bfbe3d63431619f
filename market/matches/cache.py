"""An initiative's rankings kept between requests, per process, and thrown away when a side changes.

A ranking is the engine's output for one initiative against the published candidates of the kinds
asked; it is stored under everything the ranking was called with (initiative, kinds, limit, floor,
model and any other keyword, such as weights read from settings) and the day (eligibility reads
dates). It is valid while the initiative row and the candidates are as they were: before each use
one query reads, for each kind asked, the version the candidate pools are checked against
(`pools.py`: a counter the database moves on every write to the kind's table, freshness marks and
vectors included; the pools then reuse the versions read here instead of reading again),
and the initiative's own `updated_at` comes with the row the request loads anyway. Every worker asks
the database, so none serves a ranking another worker's write made stale. The initiative's stored
matches are versioned too (count, latest update), for a ranking that reads them. Nothing is written.

Only the engine's rankings are kept, never ORM rows: the listings a ranking points to are read again
for each request (organisation names, contacts and statuses are always the current ones).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from market.db import database_key
from market.listings import kinds
from market.matches import ranking
from market.matches.pools import CandidatePools, as_version, remember
from market.models import ListingVersion, Match
from market.vocabulary import CandidateKind
from matching import types as m

MAX_ENTRIES = 4096  # about 60 matches with their reasons each: a few kB an entry, some MB at most


@dataclass(frozen=True)
class Entry:
    version: tuple[Any, ...]
    rankings: tuple[tuple[CandidateKind, m.Ranking], ...]
    unlock: tuple[m.Unlock, ...]


def freeze(value: Any) -> Hashable:
    """A hashable, order-stable form of a ranking parameter (dicts of weights, lists of kinds)."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [freeze(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, set | frozenset) else items)
    if isinstance(value, Hashable):
        return value
    return repr(value)


async def versions(session: AsyncSession, wanted: Iterable[str], initiative_id: int) -> tuple[Any, ...]:
    """The version of each kind (`pools.py`), and of the initiative's stored matches (a ranking that
    leaves declined pairs out, or says why, reads them), in one query."""
    wanted = list(wanted)
    matches = (select(literal("match").label("kind"), func.count().label("n"), func.sum(Match.id).label("ids"),
                      func.max(Match.created_at).label("created"), func.max(Match.updated_at).label("updated"))
               .where(Match.initiative_id == initiative_id))
    listings = select(ListingVersion.kind, ListingVersion.version, null(), null(), null()).where(
        ListingVersion.kind.in_(wanted))
    rows: list[Any] = list((await session.execute(union_all(matches, listings))).all())
    found: list[tuple[Any, ...]] = [as_version(row) for row in rows]
    read = {str(version[0]) for version in found}
    found += [(kind, None, None, None, None) for kind in wanted if kind not in read]
    for version in found:
        if version[0] != "match":
            remember(session, version[:2])  # the pools check the same version: not read twice
    return tuple(sorted(found, key=repr))


class RankingCache:
    """The rankings of one app's process, least recently used dropped past `max_entries`."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def rank_for_initiative(self, session: AsyncSession, pools: CandidatePools, initiative: Any,
                                  wanted: Sequence[CandidateKind], **params: Any
                                  ) -> tuple[list[ranking.Ranked], list[m.Unlock]]:
        """`ranking.rank_for_initiative(session, pools, initiative, wanted, **params)`, from the cache
        when neither the initiative nor the candidates of those kinds changed since it was computed."""
        key = (database_key(session), initiative.id, tuple(wanted), ranking.today(),
               tuple(sorted((name, freeze(value)) for name, value in params.items())))
        # read before ranking: a write committed meanwhile makes this version old, never the ranking
        found = await versions(session, wanted, initiative.id)
        version = (str(initiative.updated_at), initiative.embedding_model, found)
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            self.hits += 1
            self._entries.move_to_end(key)
            return await _with_rows(session, entry), list(entry.unlock)
        self.misses += 1
        ranked, unlock = await ranking.rank_for_initiative(session, pools, initiative, wanted, **params)
        self._entries[key] = Entry(version, tuple((r.kind, r.ranking) for r in ranked), tuple(unlock))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return ranked, unlock


async def _with_rows(session: AsyncSession, entry: Entry) -> list[ranking.Ranked]:
    """The cached rankings with the current rows of the listings they point to, one query a kind."""
    out = []
    for kind, found in entry.rankings:
        table = kinds.KINDS[kind].model
        wanted = {int(x.candidate_id) for x in found.matches}
        rows = {row.id: row for row in await session.scalars(select(table).where(table.id.in_(wanted)))} \
            if wanted else {}
        out.append(ranking.Ranked(kind, found, rows))
    return out


_CACHES: WeakKeyDictionary[CandidatePools, RankingCache] = WeakKeyDictionary()


def of(pools: CandidatePools) -> RankingCache:
    """The ranking cache of the app that owns `pools` (one per app, made on first use)."""
    cache = _CACHES.get(pools)
    if cache is None:
        cache = _CACHES[pools] = RankingCache()
    return cache


async def rank_for_initiative(session: AsyncSession, pools: CandidatePools, initiative: Any,
                              wanted: Sequence[CandidateKind], **params: Any
                              ) -> tuple[list[ranking.Ranked], list[m.Unlock]]:
    """Drop-in for `ranking.rank_for_initiative`, through the app's cache."""
    return await of(pools).rank_for_initiative(session, pools, initiative, wanted, **params)
