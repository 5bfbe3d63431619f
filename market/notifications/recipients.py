"""Who is told of a match event: the members of the other party's organisation whose role covers
its kind of listing (confirmed, not erased), or, when it has none, the listing's contact address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import ROLE_KINDS
from market.models import Account, Membership


@dataclass(frozen=True)
class Member:
    account_id: int
    email: str


async def members(session: AsyncSession, kind: str, listing: Any) -> list[Member]:
    if listing.organisation_id is None:
        return []
    roles = [role for role, kinds in ROLE_KINDS.items() if kind in kinds]
    rows = await session.execute(
        select(Account.id, Account.email).join(Membership, Membership.account_id == Account.id)
        .where(Membership.organisation_id == listing.organisation_id, Membership.role.in_(roles),
               Account.erased_at.is_(None), Account.email_verified_at.is_not(None), Account.email.is_not(None))
        .order_by(Account.id))
    return [Member(account_id, email) for account_id, email in rows.tuples() if email]
