"""Candidate pools kept by the app between requests, rebuilt only when the listings change.

Building a pool reads every published listing of a kind and lays it out as columns; a ranking
then takes milliseconds. Before each use one read of the kind's version (`listing_versions`, a
counter the database's triggers move on every insert, update and delete of the kind's table: a
publication, an edit, an archive, a merge, a freshness mark, a vector written by the backfill) tells
whether anything changed since the pool was built; if so it is rebuilt. Every instance asks the
database, so instances never serve each other's stale pools. The read costs the same at any size of
the base (the aggregate over the published rows it replaces grew with it: 1.4 ms per kind at 4,000).

A version read once in a transaction is kept for the rest of it (`remember`), so the ranking cache's
check and the pools' do not read twice. A version read earlier than the build is safe: a write
committed in between makes the next check differ, and the pool is rebuilt then.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.db import database_key
from market.models import ListingVersion
from matching.pool import Pool


@dataclass
class Cached:
    version: tuple[str | None, ...]
    profiles: list[Any]
    pool: Pool | None


READ = "bourse.published_versions"  # session.info: (the transaction, {kind: version}) read in it


def version_query(kinds: Iterable[str]) -> Select[Any]:
    """The versions of these kinds, one row each: (kind, counter). A kind without a row (none since
    the migration) has no version yet, and so none to compare."""
    return select(ListingVersion.kind, ListingVersion.version).where(ListingVersion.kind.in_(list(kinds)))


def as_version(row: Any) -> tuple[str | None, ...]:
    return tuple(str(v) if v is not None else None for v in row)


def remember(session: AsyncSession, version: tuple[str | None, ...]) -> None:
    """Keep a kind's version for the rest of the session's current transaction."""
    _kept(session)[str(version[0])] = version


def _kept(session: AsyncSession) -> dict[str, tuple[str | None, ...]]:
    """The versions read in the session's current transaction (a new transaction starts empty)."""
    transaction = session.sync_session.get_transaction()
    kept = session.info.get(READ)
    if kept is None or kept[0] is not transaction:
        kept = session.info[READ] = (transaction, {})
    versions: dict[str, tuple[str | None, ...]] = kept[1]
    return versions


async def _version(session: AsyncSession, kind: str) -> tuple[str | None, ...]:
    version = _kept(session).get(kind)
    if version is None:
        row = (await session.execute(version_query([kind]))).one_or_none()
        version = as_version(row) if row is not None else (kind, None)
        remember(session, version)
    return version


class CandidatePools:
    """The pools of one app (built in `create_app`, handed to the match services)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str | None], Cached] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def cached(self, session: AsyncSession, kind: str, model_id: str | None,
                     build: Callable[[], Awaitable[tuple[list[Any], Pool | None]]]) -> Cached:
        """The profiles (and, for candidates, the pool) of the published listings of a kind, stored
        with embeddings of the model `model_id`; `build()` makes them when the cached
        ones are out of date."""
        key = (database_key(session), kind, model_id)
        version = await _version(session, kind)
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            profiles, pool = await build()
            entry = self._entries[key] = Cached(version, profiles, pool)
        return entry
