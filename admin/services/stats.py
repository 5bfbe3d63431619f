"""The back office's figures, computed from the stored rows: listings by state and kind, the
cooperation funnel, money pledged by month, and the coverage gaps (published initiatives that no
published support provider is eligible to help, per department and maturity)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.listings import kinds
from market.matches import ranking
from market.matches.pools import CandidatePools
from market.models import Commune, Department, Initiative, Match, Pledge
from market.moderation.merge import PROGRESS
from market.vocabulary import LABELS, MODERATION_STATES, SETTLED_STATES

# A match that reached a stage went through the ones before it; a declined one counts as suggested only
STAGES = ("suggested", "contacted", "in_discussion", "partnership")


class Stats(msgspec.Struct):
    listings: dict[str, dict[str, int]]  # kind -> state -> count
    funnel: dict[str, Any]  # total, by_department, by_kind: stage -> count
    pledges_by_month: list[dict[str, Any]]  # month (YYYY-MM), count, pledged_cents, refunded_cents
    coverage: dict[str, Any]  # departments: code -> {name, lat, lon, initiatives, uncovered, by_maturity}


async def listings_by_state(session: AsyncSession) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for kind, spec in kinds.KINDS.items():
        rows = await session.execute(select(spec.model.status, func.count()).group_by(spec.model.status))
        counts = dict(rows.tuples().all())
        found[kind] = {state: int(counts.get(state, 0)) for state in MODERATION_STATES}
    return found


def _reached(status: str) -> list[str]:
    progress = PROGRESS[status] if status != "declined" else 0
    return [stage for stage in STAGES if PROGRESS[stage] <= progress]


async def funnel(session: AsyncSession) -> dict[str, Any]:
    rows = await session.execute(select(Match.status, Match.candidate_kind, Commune.department_code)
                                 .join(Initiative, Initiative.id == Match.initiative_id)
                                 .join(Commune, Commune.code == Initiative.commune_code))
    total = dict.fromkeys(STAGES, 0)
    by_department: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    for status, kind, department in rows.tuples():
        for stage in _reached(status):
            total[stage] += 1
            by_department[department][stage] += 1
            by_kind[kind][stage] += 1
    return {"stages": list(STAGES), "total": total, "by_department": dict(sorted(by_department.items())),
            "by_kind": dict(sorted(by_kind.items()))}


async def pledges_by_month(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(select(Pledge.created_at, Pledge.amount_cents, Pledge.refunded_cents)
                                 .where(Pledge.status.in_(SETTLED_STATES)))
    months: dict[str, dict[str, Any]] = {}
    for at, amount, refunded in rows.tuples():
        month = at.strftime("%Y-%m")
        entry = months.setdefault(month, {"month": month, "count": 0, "pledged_cents": 0, "refunded_cents": 0})
        entry["count"] += 1
        entry["pledged_cents"] += int(amount)
        entry["refunded_cents"] += int(refunded or 0)
    return [months[m] for m in sorted(months)]


async def coverage(session: AsyncSession, pools: CandidatePools, model: str | None) -> dict[str, Any]:
    eligible = await ranking.eligible_counts(session, pools, "support_provider", model=model)
    rows = await session.execute(select(Initiative.id, Initiative.maturity, Commune.department_code)
                                 .join(Commune, Commune.code == Initiative.commune_code)
                                 .where(Initiative.status == "published"))
    centres = await session.execute(select(Commune.department_code, func.avg(Commune.lat), func.avg(Commune.lon))
                                    .group_by(Commune.department_code))
    names = dict((await session.execute(select(Department.code, Department.name))).tuples().all())
    departments: dict[str, dict[str, Any]] = {
        code: {"name": names.get(code, code), "lat": round(float(lat), 3), "lon": round(float(lon), 3),
               "initiatives": 0, "uncovered": 0, "by_maturity": {}}
        for code, lat, lon in centres.tuples()}
    for initiative_id, maturity, department in rows.tuples():
        entry = departments[department]
        cell = entry["by_maturity"].setdefault(maturity, {"initiatives": 0, "uncovered": 0})
        entry["initiatives"] += 1
        cell["initiatives"] += 1
        if eligible.get(initiative_id, 0) == 0:
            entry["uncovered"] += 1
            cell["uncovered"] += 1
    return {"maturities": list(LABELS["maturity"]), "departments": dict(sorted(departments.items())),
            "uncovered": sum(d["uncovered"] for d in departments.values()),
            "initiatives": sum(d["initiatives"] for d in departments.values())}


async def figures(session: AsyncSession, actor: Identity | None, pools: CandidatePools,
                  model: str | None) -> Stats:
    access.staff(actor)
    return Stats(listings=await listings_by_state(session), funnel=await funnel(session),
                 pledges_by_month=await pledges_by_month(session), coverage=await coverage(session, pools, model))
