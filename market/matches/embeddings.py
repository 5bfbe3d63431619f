"""Stored text embeddings: computed once when a listing is written, off the event loop, and kept
with the model that made them. Ranking reads them and never embeds."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from market.matches.profiles import profile_of, profiles_of
from market.matches.vectors import model_id, to_bytes
from matching.semantic import Embedder, profile_text

# One text at a time through the model: a fast tokenizer shared by threads can fail ("Already
# borrowed"), and two writes encoding at once would only compete for the same cores.
_one_at_a_time = threading.Lock()


def _encode(embedder: Embedder, text: str) -> list[float]:
    with _one_at_a_time:
        return embedder.encode([text])[0]


async def embed_listing(session: AsyncSession, kind: str, item: Any, embedder: Embedder | None) -> None:
    """Set the listing's embedding from the text the engine embeds for its profile; None without a model.
    The text's hash is kept with it: when neither the text nor the model changed, nothing is computed."""
    if embedder is None:
        item.embedding, item.embedding_model, item.embedding_text_hash = None, None, None
        return
    text = profile_text(await profile_of(session, kind, item))
    digest = text_hash(text)
    if item.embedding_text_hash == digest and item.embedding_model == model_id(embedder):
        return
    vector = await anyio.to_thread.run_sync(_encode, embedder, text)
    item.embedding, item.embedding_model, item.embedding_text_hash = to_bytes(vector), model_id(embedder), digest


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


BATCH_SIZE = 64


async def embed_many(session: AsyncSession, kind: str, items: Sequence[Any], embedder: Embedder,
                     on_batch: Callable[[int], None] | None = None) -> int:
    """Embed many listings of one kind in batches of BATCH_SIZE texts (seeding, imports, backfill):
    the model encodes a batch in little more than the time of one text. Listings whose text and
    model did not change are left alone; returns how many were computed."""
    model = model_id(embedder)
    computed = 0
    for start in range(0, len(items), BATCH_SIZE):
        batch = items[start:start + BATCH_SIZE]
        texts = [profile_text(p) for p in await profiles_of(session, kind, batch)]
        todo = [(item, text, text_hash(text)) for item, text in zip(batch, texts, strict=True)]
        todo = [(i, t, h) for i, t, h in todo if not (i.embedding_text_hash == h and i.embedding_model == model)]
        if todo:
            vectors = await anyio.to_thread.run_sync(encode_texts, embedder, [t for _, t, _ in todo])
            for (item, _, digest), vector in zip(todo, vectors, strict=True):
                item.embedding, item.embedding_model, item.embedding_text_hash = to_bytes(vector), model, digest
            computed += len(todo)
        if on_batch is not None:
            on_batch(len(batch))
    return computed


def encode_texts(embedder: Embedder, texts: list[str]) -> list[list[float]]:
    """Encode a batch (in a worker thread: the model releases the event loop's thread)."""
    with _one_at_a_time:
        return embedder.encode(texts)
