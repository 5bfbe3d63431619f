"""Candidate pools kept by the app between requests, rebuilt only when the listings change.

Building a pool reads every published listing of a kind and lays it out as columns; a ranking
then takes milliseconds. Before each use one aggregate query (count, id sum, latest creation and
update of the published rows) tells whether anything was published, edited, archived or merged
since the pool was built; if so it is rebuilt. Every instance asks the database, so instances
never serve each other's stale pools.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.db import database_key
from matching.pool import Pool


@dataclass
class Cached:
    version: tuple[Any, ...]
    profiles: list[Any]
    pool: Pool | None


async def _version(session: AsyncSession, model: Any) -> tuple[Any, ...]:
    stmt = select(func.count(), func.sum(model.id), func.max(model.created_at), func.max(model.updated_at))
    row = (await session.execute(stmt.where(model.status == "published"))).one()
    return tuple(row)


class CandidatePools:
    """The pools of one app (built in `create_app`, handed to the match services)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str | None], Cached] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def cached(self, session: AsyncSession, kind: str, table: Any, model_id: str | None,
                     build: Callable[[], Awaitable[tuple[list[Any], Pool | None]]]) -> Cached:
        """The profiles (and, for candidates, the pool) of the published listings of a kind, stored
        in `table`, with embeddings of the model `model_id`; `build()` makes them when the cached
        ones are out of date."""
        key = (database_key(session), kind, model_id)
        version = await _version(session, table)
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            profiles, pool = await build()
            entry = self._entries[key] = Cached(version, profiles, pool)
        return entry
