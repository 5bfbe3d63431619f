"""Embedding backfill: listings written while the model was down (or embedded by another model)
get their vector later, in batches, without touching what people wrote.

Each batch is read, embedded, then written in a transaction of its own, and a row is written only
if it was not saved meanwhile (its `updated_at` is unchanged; the vector keeps it as it was, a
vector being no edit): a crash half-way keeps the batches done, and a re-run embeds only the rest.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import anyio
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import undefer

from market.config import Settings
from market.db import rows_changed, session_factory
from market.listings import kinds
from market.matches.embeddings import BATCH_SIZE, embed_many
from market.matches.vectors import model_id
from matching.semantic import Embedder, SentenceTransformerEmbedder, load_embedder

log = logging.getLogger("bourse.jobs")
_reloaded: dict[str, Embedder] = {}


def _needs_vector(model: Any, embedder_model: str) -> Any:
    return or_(model.embedding_model.is_(None), model.embedding_model != embedder_model,
               model.embedding_text_hash.is_(None))


async def pending(factory: async_sessionmaker[AsyncSession], embedder: Embedder) -> dict[str, list[int]]:
    """The ids of the listings of each kind without a vector of this model, oldest first."""
    name = model_id(embedder) or ""
    async with factory() as session:
        return {kind: list(await session.scalars(select(spec.model.id).where(_needs_vector(spec.model, name))
                                                 .order_by(spec.model.id)))
                for kind, spec in kinds.KINDS.items()}


async def count_pending(factory: async_sessionmaker[AsyncSession], embedder: Embedder) -> int:
    name = model_id(embedder) or ""
    async with factory() as session:
        counts = [await session.scalar(select(func.count()).select_from(spec.model)
                                       .where(_needs_vector(spec.model, name))) for spec in kinds.KINDS.values()]
    return sum(int(c or 0) for c in counts)


async def backfill(factory: async_sessionmaker[AsyncSession], embedder: Embedder, *, batch_size: int = BATCH_SIZE,
                   on_batch: Callable[[int], None] | None = None) -> Counter[str]:
    """Embed every listing that has no vector of this model; returns how many were embedded, and how
    many were skipped because they were saved while their vector was computed (the save embedded them)."""
    outcome: Counter[str] = Counter()
    for kind, ids in (await pending(factory, embedder)).items():
        for start in range(0, len(ids), batch_size):
            batch = ids[start:start + batch_size]
            outcome.update(await _one_batch(factory, kind, batch, embedder))
            if on_batch is not None:
                on_batch(len(batch))
    return outcome


async def _one_batch(factory: async_sessionmaker[AsyncSession], kind: str, ids: list[int],
                     embedder: Embedder) -> Counter[str]:
    model, name = kinds.KINDS[kind].model, model_id(embedder) or ""
    async with factory() as session:
        found = await session.scalars(select(model).where(model.id.in_(ids), _needs_vector(model, name))
                                      .options(undefer(model.embedding)).order_by(model.id))
        items = list(found.unique())
        saved_at = {item.id: item.updated_at for item in items}
        with session.no_autoflush:
            await embed_many(session, kind, items, embedder)
        vectors = [(item.id, item.embedding, item.embedding_model, item.embedding_text_hash) for item in items]
        await session.rollback()  # nothing is written from this session: only the conditional updates below
    outcome: Counter[str] = Counter()
    async with factory() as session, session.begin():
        for listing_id, vector, made_by, digest in vectors:
            written = await rows_changed(session, update(model)
                                         .where(model.id == listing_id, model.updated_at == saved_at[listing_id])
                                         .values(embedding=vector, embedding_model=made_by, embedding_text_hash=digest,
                                                 updated_at=saved_at[listing_id])
                                         .execution_options(synchronize_session=False))
            outcome["embedded" if written else "saved_meanwhile"] += 1
    return outcome


async def current_embedder(settings: Settings) -> Embedder | None:
    """The configured model, loaded again if it failed to load earlier in this process (the model
    being down is what the backfill is for); None when no model is configured or it still fails."""
    path = settings.embedding_model
    if not path:
        return None
    loaded = await anyio.to_thread.run_sync(load_embedder, path) or _reloaded.get(path)
    if loaded is not None:
        return loaded
    try:
        _reloaded[path] = await anyio.to_thread.run_sync(SentenceTransformerEmbedder, path)
    except Exception as exc:  # still down: the next run tries again
        log.warning("embedding backfill: model still unavailable (%s)", type(exc).__name__)
        return None
    return _reloaded[path]


async def embedding_backfill(settings: Settings, progress: bool = False,
                             embedder: Embedder | None = None) -> Counter[str]:
    """The job: `python -m market.cli backfill-embeddings`, the queue's task and the in-process loop."""
    embedder = embedder or await current_embedder(settings)
    if embedder is None:
        return Counter({"no_model": 1} if settings.embedding_model else {})
    async with session_factory(settings) as factory:
        if not progress:
            return await backfill(factory, embedder)
        from tqdm import tqdm

        total = await count_pending(factory, embedder)
        with tqdm(total=total, desc="vecteurs à calculer", unit=" annonces", disable=not total) as bar:
            return await backfill(factory, embedder, on_batch=bar.update)
