"""Pledges for the back office: the list with its filters (state, initiative, dates) and what the
last reconciliation did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.models import Pledge, ReconcileRun

PAGE_SIZE = 50


@dataclass
class Found:
    pledges: list[Pledge]
    total: int
    page: int
    pages: int


async def search(session: AsyncSession, actor: Identity | None, *, status: str = "", initiative_id: int | None = None,
                 since: date | None = None, until: date | None = None, page: int = 1) -> Found:
    access.staff(actor)
    conditions: list[Any] = []
    if status:
        conditions.append(Pledge.status == status)
    if initiative_id:
        conditions.append(Pledge.initiative_id == initiative_id)
    if since:
        conditions.append(Pledge.created_at >= datetime.combine(since, time(), UTC))
    if until:  # the whole day named
        conditions.append(Pledge.created_at < datetime.combine(until + timedelta(days=1), time(), UTC))
    total = await session.scalar(select(func.count()).select_from(Pledge).where(*conditions)) or 0
    rows = await session.scalars(select(Pledge).where(*conditions).order_by(Pledge.created_at.desc(), Pledge.id.desc())
                                 .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return Found(list(rows), total, page, max(1, -(-total // PAGE_SIZE)))


async def last_reconciliation(session: AsyncSession) -> ReconcileRun | None:
    return await session.scalar(select(ReconcileRun).order_by(ReconcileRun.finished_at.desc(), ReconcileRun.id.desc())
                                .limit(1))
