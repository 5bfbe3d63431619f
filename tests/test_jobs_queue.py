"""The job queue on PostgreSQL (procrastinate): real workers, as processes (`python -m market.cli
worker`) and in-process, run deferred jobs end to end; two workers racing run each job once and
never two runs of one task at a time; a failing job is retried; two workers deferring the same
periodic tick make one job. The queue lives in PostgreSQL: on SQLite the app runs the jobs itself
(the last test, and tests/test_notifications.py for the in-process scheduler)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from procrastinate import periodic

from market import cli
from market.config import ROOT, Settings
from market.db import session_factory
from market.errors import DomainError
from market.jobs import tasks
from market.jobs.queue import connected, conninfo
from market.jobs.worker import run_worker
from market.notifications import outbox
from tests.conftest import _wipe, suite_settings
from tests.helpers import run, sql
from tests.mailbox import Mailbox, free_port
from tests.people import TEST_SECRET

ON_SQLITE = not os.environ.get("DATABASE_URL", "").startswith("postgresql")
postgres_only = pytest.mark.skipif(ON_SQLITE, reason="the job queue is PostgreSQL-backed (procrastinate); on "
                                                     "SQLite the app runs the jobs in-process")


def clear_queue(url: str) -> None:
    for table in ("procrastinate_periodic_defers", "procrastinate_events", "procrastinate_jobs",
                  "procrastinate_workers"):
        sql(url, f"DELETE FROM {table}")


@pytest.fixture()
def queue(mail_settings: Settings) -> Iterator[Settings]:
    """The queue, empty before and after; the outbox's emails go to the loopback SMTP server."""
    clear_queue(mail_settings.database_url)
    yield mail_settings
    clear_queue(mail_settings.database_url)
    run(_wipe(mail_settings.database_url))


def enqueue_emails(settings: Settings, count: int) -> None:
    async def go() -> None:
        async with session_factory(settings) as factory, factory() as session, session.begin():
            for n in range(count):
                await outbox.enqueue(session, f"personne{n}@example.org", "match_event", {
                    "kind": "interest", "text": f"événement {n}", "own": "Annonce", "link": "/x",
                    "subscriber": f"account:{n}"})

    run(go())


def defer(settings: Settings, task: Any, **configure: Any) -> int:
    async def go() -> int:
        with connected(settings) as app:
            async with app.open_async():
                return int(await task.configure(**configure).defer_async(timestamp=0))

    return run(go())


def job(url: str, job_id: int) -> tuple[str, int]:
    [(status, attempts)] = sql(url, "SELECT status::text, attempts FROM procrastinate_jobs WHERE id = :id", id=job_id)
    return status, attempts


def events(url: str, job_id: int) -> list[str]:
    return [kind for (kind,) in sql(url, "SELECT type::text FROM procrastinate_events WHERE job_id = :id ORDER BY id",
                                     id=job_id)]


def wait_for(check: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def start_worker(settings: Settings, log: Path, concurrency: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "BOURSE_ENV": "test", "SECRET_KEY": TEST_SECRET,
           "ARGON2_PROFILE": "cheapest", "SMTP_HOST": settings.smtp_host, "SMTP_PORT": str(settings.smtp_port),
           "EMBEDDING_MODEL": "", "PUBLIC_URL": settings.public_url, "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "market.cli", "worker", "--keep-finished",
                                 "--concurrency", str(concurrency)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def stop(worker: subprocess.Popen[bytes], log: Path) -> None:
    worker.send_signal(signal.SIGTERM)  # a graceful stop: the jobs under way finish
    assert worker.wait(timeout=60) == 0, log.read_text()


def registered(settings: Settings, count: int) -> None:
    wait_for(lambda: len(sql(settings.database_url, "SELECT id FROM procrastinate_workers")) >= count)


@postgres_only
def test_a_worker_process_sends_a_deferred_outbox_job_end_to_end(
    queue: Settings, mailbox: Mailbox, tmp_path: Path
) -> None:
    enqueue_emails(queue, 3)
    job_id = defer(queue, tasks.send_outbox)
    assert job(queue.database_url, job_id) == ("todo", 0)
    worker = start_worker(queue, tmp_path / "worker.log")
    try:
        wait_for(lambda: job(queue.database_url, job_id)[0] == "succeeded")
        assert sorted(m["To"] for m in mailbox.wait(3)) == [f"personne{n}@example.org" for n in range(3)]
        assert all(m["Subject"] for m in mailbox.messages)
    finally:
        stop(worker, tmp_path / "worker.log")
    assert sql(queue.database_url, "SELECT status, count(*) FROM outbox_mails GROUP BY status") == [("sent", 3)]
    assert "personne" not in (tmp_path / "worker.log").read_text()  # no address in the worker's log


@postgres_only
def test_two_workers_racing_run_each_job_once_and_one_task_at_a_time(
    queue: Settings, mailbox: Mailbox, tmp_path: Path
) -> None:
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    workers = [start_worker(queue, log, concurrency=3) for log in logs]
    try:
        registered(queue, 2)  # both listen: a deferred job wakes them at once
        enqueue_emails(queue, 30)
        # three jobs of the same task at once (a queueing lock each): its `lock` keeps them one at a time
        ids = [defer(queue, tasks.send_outbox, queueing_lock=f"race-{n}") for n in range(3)]
        ids += [defer(queue, tasks.saved_search_alerts), defer(queue, tasks.listing_freshness)]
        wait_for(lambda: all(job(queue.database_url, i)[0] == "succeeded" for i in ids))
    finally:
        for worker, log in zip(workers, logs, strict=True):
            stop(worker, log)
    for job_id in ids:
        assert events(queue.database_url, job_id) == ["deferred", "started", "succeeded"]
        assert job(queue.database_url, job_id) == ("succeeded", 1)  # one attempt
    runs = sql(queue.database_url, """
        SELECT s.at, e.at FROM procrastinate_events s
          JOIN procrastinate_events e ON e.job_id = s.job_id AND e.type = 'succeeded'
          JOIN procrastinate_jobs j ON j.id = s.job_id
        WHERE s.type = 'started' AND j.task_name = 'bourse.send_outbox' ORDER BY s.at""")
    assert len(runs) >= 3  # with the periodic one the workers deferred at start
    assert all(ended <= next_start for (_, ended), (next_start, _) in zip(runs, runs[1:], strict=False))
    mailbox.wait(30)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(f"personne{n}@example.org" for n in range(30))


@postgres_only
def test_a_failing_job_is_retried_with_backoff(queue: Settings, mailbox: Mailbox) -> None:
    port = free_port()  # nothing listens there yet: the first run cannot send
    settings = suite_settings(queue.database_url, embedding_model="", smtp_host="127.0.0.1", smtp_port=port,
                              public_url="https://bourse.test")
    enqueue_emails(settings, 1)
    job_id = defer(settings, tasks.send_outbox)
    late = Mailbox()
    server = Controller(late, hostname="127.0.0.1", port=port)

    async def go() -> None:
        worker = asyncio.create_task(run_worker(settings, install_signal_handlers=False, polling_interval=0.2,
                                                keep_finished=True))
        try:
            await _until(lambda: "deferred_for_retry" in events(settings.database_url, job_id))
            assert job(settings.database_url, job_id) == ("todo", 1)  # to be tried again, 2 s later
            server.start()  # SMTP is back before the retry
            await _until(lambda: job(settings.database_url, job_id)[0] == "succeeded")
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    try:
        run(go())
    finally:
        server.stop()
    assert events(settings.database_url, job_id) == ["deferred", "started", "scheduled", "deferred_for_retry",
                                                      "started", "succeeded"]
    assert job(settings.database_url, job_id) == ("succeeded", 2)  # two attempts
    assert [m["To"] for m in late.messages] == ["personne0@example.org"]
    # sent once, after one failed try at least (the jobs the worker deferred at start send the outbox too)
    [(status, attempts)] = sql(settings.database_url, "SELECT status, attempts FROM outbox_mails")
    assert status == "sent" and attempts >= 2


async def _until(check: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not await asyncio.to_thread(check):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


@postgres_only
def test_two_workers_deferring_the_same_tick_make_one_job_per_task(queue: Settings) -> None:
    registry = tasks.app.periodic_registry
    tick = int(time.time()) // 60 * 60

    async def go() -> None:
        with connected(queue) as app:
            async with app.open_async():
                first, second = (periodic.PeriodicDeferrer(registry=registry) for _ in range(2))
                due = [(task, tick) for task in registry.periodic_tasks.values()]
                await asyncio.gather(first.defer_jobs(due), second.defer_jobs(due))
                # the next minute's outbox tick, while the first still waits: its queueing lock keeps one
                outbox_task = registry.periodic_tasks[("bourse.send_outbox", "")]
                await first.defer_jobs([(outbox_task, tick + 60)])

    run(go())
    counted = sql(queue.database_url, "SELECT task_name, count(*) FROM procrastinate_jobs GROUP BY task_name")
    assert dict(counted) == {f"bourse.{name}": 1 for name in tasks.SCHEDULES}
    assert len(sql(queue.database_url, "SELECT 1 FROM procrastinate_periodic_defers")) == len(tasks.SCHEDULES)


def test_the_worker_command_on_sqlite_says_the_app_does_the_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bourse.sqlite3'}")
    assert cli.main(["worker", "--concurrency", "2"]) == 2
    assert "l'application fait elle-même ces travaux" in capsys.readouterr().err


def test_the_queue_connects_with_the_services_database_url() -> None:
    assert conninfo("postgresql+asyncpg://bourse:p%40ss@db:5433/bourse?ssl=require") == \
        "postgresql://bourse:p%40ss@db:5433/bourse?sslmode=require"
    with pytest.raises(DomainError, match="demande PostgreSQL"):
        conninfo("sqlite+aiosqlite:///var/bourse.sqlite3")


@postgres_only
def test_finished_jobs_older_than_two_weeks_are_forgotten(queue: Settings) -> None:
    old, recent = (defer(queue, tasks.send_outbox, queueing_lock=f"done-{n}") for n in range(2))
    sql(queue.database_url, "UPDATE procrastinate_jobs SET status = 'failed' WHERE id IN (:old, :recent)",
        old=old, recent=recent)
    sql(queue.database_url, "UPDATE procrastinate_events SET at = now() - interval '15 days' WHERE job_id = :id",
        id=old)
    housekeeping = defer(queue, tasks.forget_old_jobs)
    run(run_worker(queue, wait=False, install_signal_handlers=False, keep_finished=True))
    assert job(queue.database_url, housekeeping)[0] == "succeeded"
    left = {i for (i,) in sql(queue.database_url, "SELECT id FROM procrastinate_jobs")}
    assert old not in left and recent in left
