"""One's own web sessions: listed (never by their secret cookie value: by the row's id) and ended."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.accounts.session_models import WebSession
from market.db import rows_changed
from market.errors import NotFound
from market.models import utcnow


async def list_for(session: AsyncSession, identity: Identity | None) -> list[WebSession]:
    account_id = signed_in(identity).account_id
    rows = await session.scalars(select(WebSession).where(WebSession.account_id == account_id,
                                                          WebSession.expires_at > utcnow())
                                 .order_by(WebSession.expires_at))
    return list(rows)


async def end(session: AsyncSession, identity: Identity | None, session_row_id: str) -> None:
    """End one of one's sessions (another account's, or an unknown id, is a 404)."""
    account_id = signed_in(identity).account_id
    try:
        row_id = uuid.UUID(session_row_id)
    except ValueError:
        raise NotFound(f"session {session_row_id} introuvable") from None
    changed = await rows_changed(session, delete(WebSession).where(WebSession.id == row_id,
                                                                   WebSession.account_id == account_id))
    if changed != 1:
        raise NotFound(f"session {session_row_id} introuvable")


async def end_all(session: AsyncSession, account_id: int) -> None:
    await session.execute(delete(WebSession).where(WebSession.account_id == account_id))
