"""Tables of the notifications: what happened for whom, who wants which email, and the outbox."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models import Base, utcnow


class Notification(Base):
    """One event of a match told to one account: shown in its inbox until read, and emailed
    according to its preference for the kind (`delivery`, fixed when the event happened)."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # interest | accepted | declined | partnership
    match_id: Mapped[int] = mapped_column(Integer, ForeignKey("matches.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(200))  # a path of the web client
    delivery: Mapped[str] = mapped_column(String(10))  # immediate | daily | none
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)  # queued in the outbox (alone or in a digest)
    __table_args__ = (Index("ix_notifications_account", "account_id", "read_at"),
                      Index("ix_notifications_digest", "delivery", "emailed_at"))


class NotificationPreference(Base):
    """How a subscriber wants one kind of event: `account:<id>`, or `email:<sha256>` for a listing's
    contact address that has no account (the address itself is not stored here)."""

    __tablename__ = "notification_preferences"
    subscriber: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10))  # immediate | daily | none
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow, onupdate=utcnow)


class OutboxMail(Base):
    """An email waiting to go out, rendered from its template when it is sent.

    pending -> sending (claimed by one job) -> sent; an SMTP failure puts it back to pending (failed
    after `MAX_ATTEMPTS`); a job that died while sending leaves it in `sending`, never sent again
    unless an operator requeues it (`send-outbox --requeue-interrupted`)."""

    __tablename__ = "outbox_mails"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(40))
    context: Mapped[dict] = mapped_column(JsonB, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(80))  # the exception's type, never its text
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)


class SavedSearch(Base):
    """A search of one kind of listing (text, territory, filters) whose new published matches are
    emailed as a digest, at most once per `frequency` period. Without an account, `email` holds the
    address, which must be confirmed (`confirmed_at`) before anything is sent."""

    __tablename__ = "saved_searches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"),
                                                   index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20))
    query: Mapped[dict] = mapped_column(JsonB, default=dict)  # {"q", "territory", "filters"}
    frequency: Mapped[str] = mapped_column(String(10))  # immediate | daily | weekly
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)


class SavedSearchHit(Base):
    """A listing a saved search already sent: never sent again by that search."""

    __tablename__ = "saved_search_hits"
    search_id: Mapped[int] = mapped_column(Integer, ForeignKey("saved_searches.id", ondelete="CASCADE"),
                                           primary_key=True)
    listing_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)


class ReverseAlert(Base):
    """A candidate (support provider, takeover, volunteer offer) already told of a newly published
    initiative that matches it: never told twice of the same one."""

    __tablename__ = "reverse_alerts"
    initiative_id: Mapped[int] = mapped_column(Integer, ForeignKey("initiatives.id", ondelete="CASCADE"),
                                               primary_key=True)
    candidate_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
