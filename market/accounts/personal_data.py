"""Personal data (GDPR): everything held about a person, exported as JSON; erasure on request.

A pledge or a listing contact is the person's only through an explicit link (`personal_links`),
made once the account confirmed its address (at confirmation, and again before each export or
erasure for rows written since); an address typed at registration links nothing. A linked row
counts while it still holds that address (a listing whose contact was changed is no longer theirs).

Erasure keeps the account row as a tombstone (id and dates: the moderation log still points at
it) and empties every personal field; memberships, sessions, API tokens, links, notifications and
email choices, saved searches, the emails still waiting in the outbox and the invitations to the
(confirmed) address are deleted; linked pledges stay for accounting, anonymised (email, name
and message removed, amounts kept); the organisation's listings stay, with the person's contact
details removed where they were the linked contact.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, any_account, signed_in
from market.accounts.session_models import WebSession
from market.db import insert_for
from market.errors import NotFound
from market.listings import kinds
from market.models import (
    Account,
    ApiToken,
    Invitation,
    Membership,
    ModerationAction,
    PersonalLink,
    Pledge,
    utcnow,
)
from market.notifications import preferences
from market.notifications.models import Notification, NotificationPreference, OutboxMail, SavedSearch

PLEDGE = "pledge"


def _subjects() -> list[tuple[str, Any, Any]]:
    """(subject, model, its email column) of every kind of row that holds someone's address."""
    found: list[tuple[str, Any, Any]] = [(PLEDGE, Pledge, Pledge.email)]
    found += [(spec.kind, spec.model, spec.model.contact_email) for spec in kinds.KINDS.values()]
    return found


async def link_verified(session: AsyncSession, account: Account) -> None:
    """Link to a confirmed account the rows holding its address that no one has linked yet."""
    if account.email_verified_at is None or account.email is None:
        return
    insert = insert_for(session)
    for subject, model, column in _subjects():
        ids = list(await session.scalars(select(model.id).where(func.lower(column) == account.email)))
        if ids:
            await session.execute(insert(PersonalLink).values(
                [{"account_id": account.id, "subject": subject, "subject_id": i, "email": account.email,
                  "created_at": utcnow()} for i in ids]).on_conflict_do_nothing(
                index_elements=["subject", "subject_id"]))


def _linked(account_id: int, subject: str, model: Any, column: Any) -> Any:
    """The rows of this model linked to the account and still holding the address it was linked with."""
    on = (PersonalLink.subject == subject) & (PersonalLink.subject_id == model.id)
    return (select(model.id).join(PersonalLink, on)
            .where(PersonalLink.account_id == account_id, func.lower(column) == PersonalLink.email))


async def _live(session: AsyncSession, account_id: int) -> Account:
    account = await session.get(Account, account_id)
    if account is None or account.erased_at is not None:
        raise NotFound(f"compte {account_id} introuvable")
    return account


async def _linked_pledges(session: AsyncSession, account_id: int) -> list[Pledge]:
    return list(await session.scalars(select(Pledge).where(
        Pledge.id.in_(_linked(account_id, PLEDGE, Pledge, Pledge.email))).order_by(Pledge.id)))


async def my_pledges(session: AsyncSession, identity: Identity | None) -> list[Pledge]:
    """The signed-in person's pledges: those linked to the account (made with its confirmed address)."""
    identity = signed_in(identity)
    account = await _live(session, identity.account_id)
    await link_verified(session, account)
    return await _linked_pledges(session, account.id)


def _saved_searches(account: Account) -> Any:
    """The account's saved searches, and those made without an account from its confirmed address."""
    mine = SavedSearch.account_id == account.id
    if account.email_verified_at is not None and account.email:
        mine = mine | (func.lower(SavedSearch.email) == account.email)
    return mine


def _subscribers(account: Account) -> list[str]:
    found = [preferences.of_account(account.id)]
    if account.email_verified_at is not None and account.email:
        found.append(preferences.of_address(account.email))
    return found


async def gather(session: AsyncSession, identity: Identity | None) -> dict[str, Any]:
    identity = signed_in(identity)
    account = await _live(session, identity.account_id)
    await link_verified(session, account)
    now = utcnow()
    sessions = await session.scalar(select(func.count()).select_from(WebSession).where(
        WebSession.account_id == account.id, WebSession.expires_at > now))
    tokens = await session.scalars(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id))
    pledges = await _linked_pledges(session, account.id)
    actions = await session.scalars(select(ModerationAction).where(ModerationAction.actor_id == account.id)
                                    .order_by(ModerationAction.id))
    contacts = []
    for spec in kinds.KINDS.values():
        model = spec.model
        rows = await session.scalars(select(model).where(
            model.id.in_(_linked(account.id, spec.kind, model, model.contact_email))).order_by(model.id))
        contacts += [(spec.kind, row) for row in rows.unique()]
    invitations = await session.scalars(select(Invitation).where(Invitation.email == account.email)
                                        .order_by(Invitation.id))
    searches = await session.scalars(select(SavedSearch).where(_saved_searches(account)).order_by(SavedSearch.id))
    notifications = await session.scalars(select(Notification).where(Notification.account_id == account.id)
                                          .order_by(Notification.id))
    choices = await session.scalars(select(NotificationPreference).where(
        NotificationPreference.subscriber.in_(_subscribers(account))).order_by(NotificationPreference.kind))
    return {"saved_searches": list(searches), "notifications": list(notifications),
            "notification_preferences": list(choices), "generated_at": now, "account": account,
            "identity": identity, "sessions": sessions or 0,
            "tokens": list(tokens), "pledges": list(pledges), "actions": list(actions), "contacts": contacts,
            "invitations": list(invitations)}


async def erase(session: AsyncSession, identity: Identity | None) -> None:
    """Erase the account; an unconfirmed one may erase itself too (it has nothing linked)."""
    identity = any_account(identity)
    account = await session.get(Account, identity.account_id)
    if account is None or account.erased_at is not None:
        return
    await link_verified(session, account)
    linked = _linked(account.id, PLEDGE, Pledge, Pledge.email)
    await session.execute(update(Pledge).where(Pledge.id.in_(linked))
                          .values(email=None, display_name=None, message=None, anonymous=True, updated_at=utcnow())
                          .execution_options(synchronize_session=False))
    for spec in kinds.KINDS.values():
        model = spec.model
        linked = _linked(account.id, spec.kind, model, model.contact_email)
        await session.execute(update(model).where(model.id.in_(linked))
                              .values(contact_name=None, contact_email=None, contact_phone=None)
                              .execution_options(synchronize_session=False))
    await session.execute(delete(WebSession).where(WebSession.account_id == account.id))
    await session.execute(delete(ApiToken).where(ApiToken.account_id == account.id))
    await session.execute(delete(Membership).where(Membership.account_id == account.id))
    await session.execute(delete(PersonalLink).where(PersonalLink.account_id == account.id))  # they hold the address
    await session.execute(delete(SavedSearch).where(_saved_searches(account)))
    await session.execute(delete(Notification).where(Notification.account_id == account.id))
    await session.execute(delete(NotificationPreference).where(
        NotificationPreference.subscriber.in_(_subscribers(account))))
    if account.email:  # an email not yet sent would carry the address (and what it says) after the erasure
        await session.execute(delete(OutboxMail).where(func.lower(OutboxMail.to_address) == account.email,
                                                       OutboxMail.status == "pending"))
    if account.email_verified_at is not None:  # invitations to the address, once it is proven theirs
        await session.execute(delete(Invitation).where(Invitation.email == account.email))
    account.email = account.password_hash = account.display_name = account.platform_role = None
    account.erased_at = utcnow()
    await session.flush()
