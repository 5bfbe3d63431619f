"""Whether an error means the database cannot be reached for now (an answer of 503 with Retry-After,
and a reason to let the error through rather than carry on without the database)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

_DATABASE_MODULES = ("sqlalchemy.", "asyncpg.", "aiosqlite.")
# SQLSTATEs of a server that refuses connections for now: connection exceptions (class 08), too many
# connections, shut down (by an operator or a crash), still starting up (recovering after a crash).
_UNAVAILABLE_STATES = ("08", "53300", "57P01", "57P02", "57P03")


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached: lost mid-query, or the pool cannot connect (a refused or
    timed-out connection is an OSError raised from the driver, not a DBAPIError; a server that is
    starting up answers the driver's own CannotConnectNowError), or the pool is exhausted; or an error
    raised while handling one of those (a session left to roll back by a lost connection)."""
    seen: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in seen and len(seen) < 10:
        if _unavailable(link):
            return True
        seen.append(link)
        link = link.__cause__ or link.__context__
    return False


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        # a connection lost mid-statement may come wrapped as a plain DBAPIError (asyncpg's
        # ConnectionDoesNotExistError, SQLSTATE 08003): the driver's own exception tells
        driver = exc.orig.__cause__ if exc.orig is not None and exc.orig.__cause__ is not None else exc.orig
        return (exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
                or _unavailable_state(driver))
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, OSError | TimeoutError):
        return _raised_from_driver(exc)
    if _unavailable_state(exc):
        return _raised_from_driver(exc)
    return False


def _unavailable_state(exc: BaseException | None) -> bool:
    state = getattr(exc, "sqlstate", None)
    return isinstance(state, str) and state.startswith(_UNAVAILABLE_STATES)


def _raised_from_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith(_DATABASE_MODULES):
            return True
        tb = tb.tb_next
    return False

