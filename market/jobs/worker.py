"""A queue worker (`python -m market.cli worker`): runs the jobs it fetches, `concurrency` at a time,
and defers the periodic ones at their ticks (every worker does; the database keeps one job a tick)."""

from __future__ import annotations

from procrastinate.jobs import DeleteJobCondition

from market.config import Settings
from market.jobs.queue import connected


async def run_worker(settings: Settings, concurrency: int = 1, *, keep_finished: bool = False, wait: bool = True,
                     name: str = "worker", install_signal_handlers: bool = True,
                     polling_interval: float = 5.0) -> None:
    """Until SIGTERM or SIGINT (then the jobs under way finish, 60 s at most), or, with wait=False,
    until the queue is empty. Succeeded jobs are deleted unless `keep_finished`; failed ones stay."""
    with connected(settings, pool_size=concurrency + 2) as app:
        async with app.open_async():
            await app.run_worker_async(
                concurrency=concurrency, wait=wait, name=name, additional_context={"settings": settings},
                install_signal_handlers=install_signal_handlers, shutdown_graceful_timeout=60,
                fetch_job_polling_interval=polling_interval,
                delete_jobs=DeleteJobCondition.NEVER if keep_finished else DeleteJobCondition.SUCCESSFUL,
            )
