"""The queue's tasks and their schedules (UTC), each wrapping the job its command runs.

Every periodic task holds a `lock` (two jobs of it never run at once, whatever the number of
workers) and a `queueing_lock` (at most one waits in the queue: a slow run is not followed by a
pile of them). Two workers deferring the same tick make one job (procrastinate's periodic defers
are unique per task and tick). A run that raises, or that could not finish (an email not sent,
Stripe unreachable), is retried with a growing wait that stays well within the task's period.
Each job is idempotent, so a retry, or a run after a crash, sends nothing twice.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Awaitable, Callable

from procrastinate import JobContext, RetryStrategy

from market.config import Settings
from market.jobs import backfill, reconcile
from market.jobs.queue import app
from market.notifications import jobs

log = logging.getLogger("bourse.jobs")

# every minute to every five: two retries, 2 s then 4 s later (the next tick is the next retry)
FREQUENT = RetryStrategy(max_attempts=2, exponential_wait=2)
# hourly and daily: five retries, 4 s, 16 s, 1 min, 4 min, 17 min later (23 min in all)
RARE = RetryStrategy(max_attempts=5, exponential_wait=4)


class JobIncomplete(Exception):
    """A run that did part of its work (some emails not sent, Stripe unreachable): retried."""


def _digest_hour() -> int:
    """DIGEST_HOUR, as the in-process scheduler reads it (the schedules are set at import)."""
    raw = os.environ.get("DIGEST_HOUR", str(Settings.digest_hour))
    return int(raw) if raw.isdigit() and 0 <= int(raw) <= 23 else Settings.digest_hour


HOUR = _digest_hour()
SCHEDULES = {
    "send_outbox": "* * * * *",
    "saved_search_alerts": "*/5 * * * *",
    "embedding_backfill": "2-59/5 * * * *",
    "reconcile_pledges": "17 * * * *",
    "daily_digest": f"0 {HOUR} * * *",
    "initiative_alerts": f"10 {HOUR} * * *",
    "listing_freshness": f"20 {HOUR} * * *",
    "forget_old_jobs": "40 4 * * *",
}
KEEP_JOBS_HOURS = 14 * 24  # failed jobs stay this long in the queue's tables, for a look


def settings_of(context: JobContext) -> Settings:
    """The worker's settings (given by `market.jobs.worker`), else the environment's."""
    given = context.additional_context.get("settings")
    return given if isinstance(given, Settings) else Settings.from_env()


async def _run(name: str, job: Callable[[], Awaitable[Counter[str]]]) -> dict[str, int]:
    outcome = await job()
    log.info("job %s: %s", name, ", ".join(f"{k}={v}" for k, v in sorted(outcome.items())) or "nothing to do")
    if outcome.get("failed") or outcome.get("stripe_unavailable"):
        raise JobIncomplete(f"{name}: {dict(outcome)}")
    return dict(outcome)


@app.periodic(cron=SCHEDULES["send_outbox"])
@app.task(name="bourse.send_outbox", pass_context=True, lock="send_outbox", queueing_lock="send_outbox",
          retry=FREQUENT)
async def send_outbox(context: JobContext, timestamp: int) -> dict[str, int]:
    settings = settings_of(context)
    return await _run("send_outbox", lambda: jobs.send_outbox(settings))


@app.periodic(cron=SCHEDULES["saved_search_alerts"])
@app.task(name="bourse.saved_search_alerts", pass_context=True, lock="saved_search_alerts",
          queueing_lock="saved_search_alerts", retry=FREQUENT)
async def saved_search_alerts(context: JobContext, timestamp: int) -> dict[str, int]:
    settings = settings_of(context)
    return await _run("saved_search_alerts", lambda: jobs.saved_search_alerts(settings))


@app.periodic(cron=SCHEDULES["embedding_backfill"])
@app.task(name="bourse.embedding_backfill", pass_context=True, lock="embedding_backfill",
          queueing_lock="embedding_backfill", retry=FREQUENT)
async def embedding_backfill(context: JobContext, timestamp: int) -> dict[str, int]:
    settings = settings_of(context)
    return await _run("embedding_backfill", lambda: backfill.embedding_backfill(settings))


@app.periodic(cron=SCHEDULES["reconcile_pledges"])
@app.task(name="bourse.reconcile_pledges", pass_context=True, lock="reconcile_pledges",
          queueing_lock="reconcile_pledges", retry=RARE)
async def reconcile_pledges(context: JobContext, timestamp: int) -> dict[str, int]:
    settings = settings_of(context)
    return await _run("reconcile_pledges", lambda: reconcile.run_reconcile(settings))


@app.periodic(cron=SCHEDULES["daily_digest"])
@app.task(name="bourse.daily_digest", pass_context=True, lock="daily_digest", queueing_lock="daily_digest",
          retry=RARE)
async def daily_digest(context: JobContext, timestamp: int) -> dict[str, int]:
    settings = settings_of(context)
    return await _run("daily_digest", lambda: jobs.daily_digest(settings))


@app.periodic(cron=SCHEDULES["initiative_alerts"])
@app.task(name="bourse.initiative_alerts", pass_context=True, lock="initiative_alerts",
          queueing_lock="initiative_alerts", retry=RARE)
async def initiative_alerts(context: JobContext, timestamp: int) -> dict[str, int]:
    settings = settings_of(context)
    return await _run("initiative_alerts", lambda: jobs.initiative_alerts(settings))


@app.periodic(cron=SCHEDULES["listing_freshness"])
@app.task(name="bourse.listing_freshness", pass_context=True, lock="listing_freshness",
          queueing_lock="listing_freshness", retry=RARE)
async def listing_freshness(context: JobContext, timestamp: int) -> dict[str, int]:
    settings = settings_of(context)
    return await _run("listing_freshness", lambda: jobs.listing_freshness(settings))


@app.periodic(cron=SCHEDULES["forget_old_jobs"])
@app.task(name="bourse.forget_old_jobs", pass_context=True, lock="forget_old_jobs", queueing_lock="forget_old_jobs",
          retry=RARE)
async def forget_old_jobs(context: JobContext, timestamp: int) -> None:
    """The queue's own housekeeping: finished jobs (failed ones too) older than two weeks are deleted."""
    await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_JOBS_HOURS, include_failed=True,
                                                  include_cancelled=True, include_aborted=True)
