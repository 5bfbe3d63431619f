"""The stored matching settings: each change is a row (the weights of the relevance signals and the
relevance floor), the latest row is in force, none means the code's defaults."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models import Base, utcnow


class MatchingSettings(Base):
    __tablename__ = "matching_settings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    weights: Mapped[dict] = mapped_column(JsonB)  # component name -> weight
    floor: Mapped[int] = mapped_column(Integer)
    # the row in force when the change was made (0: the defaults); unique, so of two changes made
    # from the same state one wins and the other is refused
    based_on: Mapped[int] = mapped_column(Integer, unique=True)
    restored_from: Mapped[int | None] = mapped_column(Integer)  # a revert: the row whose values came back
    changed_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200))  # kept when the account goes
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
