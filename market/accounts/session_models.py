"""Tables of the two advanced-alchemy mixins: server-side web sessions and the key/value store.

They live in advanced-alchemy's own registry (its UUIDv7 base), not in `market.models.Base`; the
migration creates them like the other tables.
"""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.session import SessionModelMixin
from advanced_alchemy.extensions.litestar.store import StoreModelMixin
from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column


class WebSession(SessionModelMixin):
    """One signed-in browser: the session id of its cookie, the serialised data, when it expires.

    `account_id` (filled when a session signs in) lets the account's sessions be counted in its
    export and ended all at once when it is erased."""

    __tablename__ = "web_sessions"
    account_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)


class StoreItem(StoreModelMixin):
    """Litestar store entries (rate-limit windows, login failure counters), shared by every instance."""

    __tablename__ = "store_items"
