"""The queue's application: procrastinate on the service's PostgreSQL database, through psycopg.

The tasks are declared on `app` at import (market/jobs/tasks.py); `connected(settings)` points it at
the database of the settings for the time of a block (a worker, a test, a defer from a command).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import procrastinate
from sqlalchemy.engine import make_url

from market.config import Settings
from market.errors import DomainError

# The connector is replaced by `connected` before any use: importing the tasks needs no database.
app = procrastinate.App(connector=procrastinate.PsycopgConnector(), import_paths=["market.jobs.tasks"])


def conninfo(database_url: str) -> str:
    """The libpq URI of the SQLAlchemy URL (postgresql+asyncpg://... -> postgresql://...); asyncpg's
    `ssl=require` is libpq's `sslmode=require` (the values are the same words)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise DomainError("la file de travaux demande PostgreSQL ; sur SQLite, l'application fait les travaux "
                          "elle-même (planificateur intégré, JOBS_IN_PROCESS)")
    query = dict(url.query)
    if "ssl" in query:
        query["sslmode"] = query.pop("ssl")
    return url.set(drivername="postgresql", query=query).render_as_string(hide_password=False)


@contextmanager
def connected(settings: Settings, pool_size: int = 4) -> Iterator[procrastinate.App]:
    """The app on the settings' database (open it with `async with app.open_async()`)."""
    import market.jobs.tasks  # noqa: F401  (the tasks on the app)

    connector = procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url), min_size=1,
                                               max_size=max(2, pool_size))
    with app.replace_connector(connector) as bound:
        yield bound
