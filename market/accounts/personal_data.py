"""Personal data (GDPR): everything held about a person, exported as JSON; erasure on request.

Erasure keeps the account row as a tombstone (id and dates: the moderation log still points at
it) and empties every personal field; memberships, sessions and API tokens are deleted; pledges
made with the email stay for accounting, anonymised (email, name and message removed, amounts
kept); the organisation's listings stay, with the person's contact details removed where they
were the contact.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.accounts import service as accounts
from market.accounts.session_models import WebSession
from market.listings import kinds
from market.models import Account, ApiToken, Membership, ModerationAction, Pledge, utcnow


async def gather(session: AsyncSession, identity: Identity | None) -> dict[str, Any]:
    identity = signed_in(identity)
    account = await accounts.get_live(session, identity.account_id)
    email = account.email or ""
    now = utcnow()
    sessions = await session.scalar(select(func.count()).select_from(WebSession).where(
        WebSession.account_id == account.id, WebSession.expires_at > now))
    tokens = await session.scalars(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id))
    pledges = await session.scalars(select(Pledge).where(func.lower(Pledge.email) == email).order_by(Pledge.id))
    actions = await session.scalars(select(ModerationAction).where(ModerationAction.actor_id == account.id)
                                    .order_by(ModerationAction.id))
    contacts = []
    for spec in kinds.KINDS.values():
        model = spec.model
        rows = await session.scalars(select(model).where(func.lower(model.contact_email) == email).order_by(model.id))
        contacts += [(spec.kind, row) for row in rows.unique()]
    return {"generated_at": now, "account": account, "identity": identity, "sessions": sessions or 0,
            "tokens": list(tokens), "pledges": list(pledges), "actions": list(actions), "contacts": contacts}


async def erase(session: AsyncSession, identity: Identity | None) -> None:
    identity = signed_in(identity)
    account = await session.get(Account, identity.account_id)
    if account is None or account.erased_at is not None:
        return
    email = account.email or ""
    await session.execute(update(Pledge).where(func.lower(Pledge.email) == email)
                          .values(email=None, display_name=None, message=None, anonymous=True, updated_at=utcnow()))
    for spec in kinds.KINDS.values():
        model = spec.model
        await session.execute(update(model).where(func.lower(model.contact_email) == email)
                              .values(contact_name=None, contact_email=None, contact_phone=None))
    await session.execute(delete(WebSession).where(WebSession.account_id == account.id))
    await session.execute(delete(ApiToken).where(ApiToken.account_id == account.id))
    await session.execute(delete(Membership).where(Membership.account_id == account.id))
    account.email = account.password_hash = account.display_name = account.platform_role = None
    account.erased_at = utcnow()
    await session.flush()
