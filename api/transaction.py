"""The request's transaction, committed before the answer leaves, and never acknowledged when the
commit fails.

advanced-alchemy's autocommit handler commits on the response's start message but swallows a failed
commit (it logs it at debug level and sends the answer anyway): a 201 could go out for a row the
database never kept, as the fault run saw when the database stopped between a request's last
statement and its COMMIT. Here the failed commit becomes the answer: the start message is replaced
by the error's (503 with Retry-After when the database is unavailable, 409 for a conflict found at
COMMIT) and the body that follows by the error's body. Cookies and the location of the lost answer
are dropped with it; the security headers already set are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, cast

from advanced_alchemy.extensions.litestar._utils import delete_aa_scope_state, get_aa_scope_state
from advanced_alchemy.extensions.litestar.plugins.init.config.common import SESSION_TERMINUS_ASGI_EVENTS
from litestar import Request
from litestar.background_tasks import BackgroundTask
from litestar.types import Message, Scope
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger("bourse.transaction")
COMMIT_STATUSES = range(200, 400)  # a form post answers 303: it commits too
REPLACED = "bourse.commit_failed_body"  # scope key: the body that replaces the lost answer's
DROPPED = {b"content-length", b"content-type", b"set-cookie", b"location", b"etag", b"last-modified",
           b"cache-control"}

ErrorHandler = Callable[[Request[Any, Any, Any], Exception], Any]
# False once the request's COMMIT failed; read by its background tasks, which run after the answer
# in the same task (each request runs in a task of its own, so nothing leaks to the next one)
_COMMITTED: ContextVar[bool] = ContextVar("bourse_request_committed", default=True)


def once_committed(task: Callable[..., Awaitable[Any]], *args: Any) -> BackgroundTask:
    """A background task of the answer (an email with a link, a receipt) that runs only if the
    request's transaction was committed: no link to a token the database never kept."""
    async def run() -> None:
        if _COMMITTED.get():
            await task(*args)
        else:
            log.warning("%s not run: the request's commit failed", getattr(task, "__name__", "task"))

    return BackgroundTask(run)


def commit_before_send(handle_error: ErrorHandler, session_scope_key: str
                       ) -> Callable[[Message, Scope], Awaitable[None]]:
    async def handler(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.body" and REPLACED in scope:
            message["body"] = scope.pop(REPLACED)  # type: ignore[misc, typeddict-unknown-key]
            message["more_body"] = False
            return
        session = cast("AsyncSession | None", get_aa_scope_state(scope, session_scope_key))
        if session is None:
            return
        try:
            if message["type"] == "http.response.start":
                if message["status"] in COMMIT_STATUSES:
                    try:
                        await session.commit()
                    except Exception as exc:  # the answer must not say it was done
                        _COMMITTED.set(False)
                        await _rollback(session)
                        request = Request(scope)
                        _replace(message, scope, handle_error(request, exc).to_asgi_response(
                            app=scope["litestar_app"], request=request))  # type: ignore[typeddict-item]
                else:
                    await _rollback(session)
        finally:
            if message["type"] in SESSION_TERMINUS_ASGI_EVENTS:
                try:
                    await session.close()
                except Exception:  # a connection the database already dropped: nothing left to close
                    log.debug("session close failed", exc_info=True)
                delete_aa_scope_state(scope, session_scope_key)

    return handler


async def _rollback(session: AsyncSession) -> None:
    try:
        await session.rollback()
    except Exception:  # the connection is gone: the server has rolled back already
        log.debug("rollback failed", exc_info=True)


def _replace(message: Message, scope: Scope, replacement: Any) -> None:
    kept = [(name, value) for name, value in message["headers"] if name.lower() not in DROPPED]  # type: ignore[typeddict-item]
    message["status"] = replacement.status_code  # type: ignore[typeddict-unknown-key]
    message["headers"] = [*kept, *replacement.encode_headers(), (b"cache-control", b"no-store")]  # type: ignore[typeddict-unknown-key]
    scope[REPLACED] = replacement.body  # type: ignore[literal-required]
