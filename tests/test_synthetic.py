"""The national-scale fill (`benchmarks/synthetic.py`): every listing it writes is published with the
vector the API would give it (each chunk's vectors are computed while the next chunk is written), and
a run stopped between a chunk and its vectors gets them on the next run, which writes nothing twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, update

from benchmarks import synthetic
from market.config import Settings
from market.db import session_scope
from market.listings import kinds
from market.matches.embeddings import text_hash
from market.matches.profiles import profiles_of
from market.matches.vectors import from_bytes, model_id
from matching.semantic import load_embedder, profile_text
from tests.conftest import _wipe, suite_settings
from tests.helpers import run

SCALE = 0.0001  # 4 support providers, 2 takeovers, 4 volunteer offers, 2 initiatives


@pytest.fixture()
def filled(database_url: str) -> Iterator[Settings]:
    """Settings for a fill (the suite's default model) on an empty base, emptied again after the test."""
    settings = suite_settings(database_url)
    run(_wipe(database_url))
    yield settings
    run(_wipe(database_url))


async def _rows(settings: Settings) -> dict[str, list[tuple[str, str | None, str | None, bool]]]:
    """Per kind: (status, model, stored hash, whether the hash is the one of the listing's text now)."""
    found = {}
    async with session_scope(settings) as session:
        for kind, spec in kinds.KINDS.items():
            items = list((await session.scalars(select(spec.model).order_by(spec.model.id))).unique())
            texts = [profile_text(p) for p in await profiles_of(session, kind, items)]
            found[kind] = [(i.status, i.embedding_model, i.embedding_text_hash, i.embedding_text_hash == text_hash(t))
                           for i, t in zip(items, texts, strict=True)]
    return found


def test_the_fill_writes_published_listings_with_their_vectors(filled: Settings) -> None:
    settings = filled
    figures = run(synthetic.fill(settings, SCALE, seed=3, embeddings=True))

    assert figures["written"] == 12
    rows = run(_rows(settings))
    assert {kind: len(found) for kind, found in rows.items()} == {
        "initiative": 2, "support_provider": 4, "takeover": 2, "volunteer_offer": 4}
    model = model_id(load_embedder(settings.embedding_model))
    for found in rows.values():
        assert all(status == "published" and made_by == model and fresh for status, made_by, _, fresh in found)


def test_a_stopped_run_gets_its_missing_vectors_and_writes_nothing_twice(filled: Settings) -> None:
    settings = filled
    run(synthetic.fill(settings, SCALE, seed=3, embeddings=True))
    model = kinds.KINDS["takeover"].model

    async def lose_vectors() -> None:  # as if stopped after the chunk's commit, before its vectors
        async with session_scope(settings) as session:
            await session.execute(update(model).values(embedding=None, embedding_model=None,
                                                       embedding_text_hash=None))

    run(lose_vectors())
    figures = run(synthetic.fill(settings, SCALE, seed=3, embeddings=True))

    assert figures["written"] == 0

    async def takeovers() -> tuple[int, list[bytes | None]]:
        async with session_scope(settings) as session:
            count = await session.scalar(select(func.count()).select_from(model))
            return int(count or 0), list(await session.scalars(select(model.embedding)))

    count, vectors = run(takeovers())
    assert count == 2
    assert all(v is not None and from_bytes(v) is not None and len(from_bytes(v)) == 384 for v in vectors)
    assert all(fresh for *_, fresh in run(_rows(settings))["takeover"])
