"""Server-side sessions in the database: advanced-alchemy's `SQLAlchemyAsyncSessionBackend` on the
`web_sessions` table, with one method changed, `store_in_message`, so that:

- a session is written only when its data changed (signing in or out), not on every response, and
  an anonymous visitor gets no row and no cookie;
- signing in rotates the id (`sign_in`): the old row is deleted and a new random id is issued, so
  an id planted before login (session fixation) is worth nothing after it;
- the write joins the request's own transaction when the request opened one, so it commits with
  the response (api/transaction.py's commit handler runs after this middleware) and cannot wait
  on a write lock that transaction holds (SQLite has one writer; PostgreSQL row locks, on erasure);
- the row carries the account, so an erasure ends every session of the account.

Reads are the library's; `get` renews the row's expiry, here at most every `RENEW_EVERY` (like an
API token's last use), so reading pages one after the other writes nothing; `load_from_connection`
only keeps a copy of what was loaded to tell a change.
"""

from __future__ import annotations

import copy
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from advanced_alchemy.extensions.litestar.session import SQLAlchemyAsyncSessionBackend
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from market.accounts.session_models import WebSession

COOKIE = "bourse_session"
ROTATE_KEY = "bourse.session.rotate"
LOADED_KEY = "bourse.session.loaded"


RENEW_EVERY = timedelta(minutes=5)


class DatabaseSessionBackend(SQLAlchemyAsyncSessionBackend):
    def _update_session_expiry(self, session_obj: Any) -> None:
        renewed = datetime.now(UTC) + timedelta(seconds=self.config.max_age)
        expires_at = session_obj.expires_at
        if expires_at.tzinfo is None:  # SQLite gives naive UTC datetimes back
            expires_at = expires_at.replace(tzinfo=UTC)
        if renewed - expires_at >= RENEW_EVERY:
            session_obj.expires_at = renewed

    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.scope.get(ROTATE_KEY) or super().get_session_id(connection)  # type: ignore[return-value]

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope[LOADED_KEY] = copy.deepcopy(data)  # type: ignore[literal-required]
        return data

    async def store_in_message(self, scope_session: ScopeSession, message: Message,
                               connection: ASGIConnection) -> None:
        scope = connection.scope
        rotated: str | None = scope.get(ROTATE_KEY)  # type: ignore[assignment]
        loaded = scope.get(LOADED_KEY) or {}
        data = scope_session if isinstance(scope_session, dict) else {}
        cookie_id = connection.cookies.get(self.config.key)
        if not rotated and scope_session is not Empty and data == loaded:
            return  # unchanged: nothing to write, the cookie the browser has stays valid
        headers = MutableScopeHeaders.from_message(message)
        cookie_params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        request_session = get_aa_scope_state(scope, self.alchemy.session_scope_key)
        if request_session is not None:
            session_id = await self._write(request_session, cookie_id, rotated, loaded, data)
        else:
            async with self.alchemy.get_session() as own:
                session_id = await self._write(own, cookie_id, rotated, loaded, data)
                await own.commit()
        if session_id:
            cookie = Cookie(value=session_id, key=self.config.key, **cookie_params)
            headers.add("Set-Cookie", cookie.to_header(header=""))
        elif cookie_id:
            # deleted for real: Max-Age=0 (a Max-Age left from the config would outlive expires=0)
            cookie_params["max_age"] = 0
            headers.add("Set-Cookie",
                        Cookie(value="", key=self.config.key, expires=0, **cookie_params).to_header(header=""))

    async def _write(self, db: AsyncSession, cookie_id: str | None, rotated: str | None, loaded: dict[str, Any],
                     data: dict[str, Any]) -> str | None:
        """Delete what must go, write the new data; the session id written, or None when there is none."""
        if cookie_id and (rotated or not data or not loaded):
            await db.execute(delete(WebSession).where(WebSession.session_id == cookie_id[:255]))
        if not data:
            return None
        # an id the server never issued (unknown or expired row) is never adopted: a new one is drawn
        session_id = rotated or (cookie_id if cookie_id and loaded else self.generate_session_id())
        if not rotated and loaded:
            await db.execute(delete(WebSession).where(WebSession.session_id == session_id))
        account_id = data.get("account_id")
        db.add(WebSession(session_id=session_id, data=self.serialize_data(data), account_id=account_id,
                          expires_at=datetime.now(UTC) + timedelta(seconds=self.config.max_age)))
        await db.flush()
        return session_id


def session_config(*, secure: bool, max_age: int) -> ServerSideSessionConfig:
    return ServerSideSessionConfig(key=COOKIE, max_age=max_age, httponly=True, samesite="lax", secure=secure,
                                   exclude=["^/api/stripe/webhook", "^/static", "^/health"])


def sign_in(connection: ASGIConnection, account_id: int) -> None:
    """Start a fresh session for this account, under a new id (the old one, if any, is deleted)."""
    connection.set_session({"account_id": account_id, "at": time.time()})
    connection.scope[ROTATE_KEY] = secrets.token_hex(32)  # type: ignore[literal-required]


def sign_out(connection: ASGIConnection) -> None:
    connection.clear_session()
