"""The recent live events, kept so that a stream resumes after `Last-Event-ID` on any instance and the
home page lists the latest ones (bounded: older rows are pruned as new ones come)."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models import Base, utcnow


class LiveEvent(Base):
    __tablename__ = "live_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    # who may see it: [] for everyone, else [[organisation_id, listing_kind], ...] (the members of
    # that organisation whose role covers that kind of listing, as market.access decides)
    audience: Mapped[list] = mapped_column(JsonB, default=list)
    data: Mapped[dict] = mapped_column(JsonB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
