"""Organisations, their owners and members, and invitations.

The account that creates an organisation is its first owner. Only owners invite (and cancel a pending
invitation), remove members and change roles; a member may leave; the last owner can neither leave
nor be removed or demoted. A
member's role must fit the organisation's kind (`access.KIND_ROLES`).

Nobody is enrolled without consent: "adding" someone sends an invitation to the address, which the
account that confirmed that address accepts or declines. The answer to the owner is the same
whether the address has an account, is already a member or belongs to the platform's staff (who
are never enrolled: no invitation is sent to them, and they cannot accept one).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import KIND_ROLES, Identity, signed_in
from market.accounts import mail, names
from market.accounts.schemas import InvitationOut, MemberOut, OrganisationOut
from market.accounts.views import invitation_out, member_out, organisation_out
from market.config import Settings
from market.db import rows_changed
from market.errors import Conflict, Forbidden, InvalidField, NotFound
from market.mail import Outgoing
from market.models import Account, Invitation, Membership, Organisation, utcnow
from market.validators import check_siren, clean_text, new_slug
from market.vocabulary import ROLE_LABELS

OWNERS_ONLY = "seuls les propriétaires de l'organisation gèrent ses membres"
LAST_OWNER = "l'organisation doit garder au moins un propriétaire : nommez-en un autre d'abord"


async def get(session: AsyncSession, organisation_id: int, *, lock: bool = False) -> Organisation:
    """The organisation; `lock` holds its row until the transaction ends (PostgreSQL; SQLite has one
    writer), so two owners removing each other cannot both succeed."""
    statement = select(Organisation).where(Organisation.id == organisation_id)
    organisation = await session.scalar(statement.with_for_update() if lock else statement)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} introuvable")
    return organisation


def check_role(kind: str, role: str) -> None:
    if role not in KIND_ROLES.get(kind, frozenset()):
        raise InvalidField("ce rôle ne convient pas à ce type d'organisation (" +
                           ", ".join(sorted(KIND_ROLES.get(kind, frozenset()))) + ")", field="role")


async def create(session: AsyncSession, identity: Identity | None, name: str, kind: str, role: str,
                 siren: str | None = None) -> Organisation:
    identity = signed_in(identity)
    name = clean_text(name, "name")
    check_role(kind, role)
    organisation = Organisation(slug=new_slug(name), name=name, kind=kind, siren=check_siren(siren) if siren else None)
    session.add(organisation)
    await session.flush()
    session.add(Membership(account_id=identity.account_id, organisation_id=organisation.id, role=role, owner=True))
    await session.flush()
    return organisation


def _owner(identity: Identity | None, organisation_id: int) -> Identity:
    identity = signed_in(identity)
    if organisation_id not in identity.owned:
        raise Forbidden(OWNERS_ONLY)
    return identity


async def _members(session: AsyncSession, organisation_id: int) -> list[MemberOut]:
    rows = await session.execute(
        select(Membership, Account).join(Account, Account.id == Membership.account_id)
        .where(Membership.organisation_id == organisation_id).order_by(Membership.id))
    return [member_out(membership, account) for membership, account in rows.tuples()]


async def read(session: AsyncSession, viewer: Identity | None, organisation_id: int) -> OrganisationOut:
    """An organisation for anyone; its members for its own members and the staff only; its pending
    invitations for its owners."""
    organisation = await get(session, organisation_id)
    members = invitations = None
    if viewer is not None and (viewer.is_staff or organisation_id in viewer.memberships):
        members = await _members(session, organisation_id)
    if viewer is not None and organisation_id in viewer.owned:
        rows = await session.scalars(select(Invitation).where(
            Invitation.organisation_id == organisation_id, Invitation.answered_at.is_(None),
            Invitation.expires_at > utcnow()).order_by(Invitation.id))
        invitations = [invitation_out(i) for i in rows]
    return organisation_out(organisation, members, invitations)


async def invite(session: AsyncSession, settings: Settings, identity: Identity | None, organisation_id: int,
                 email: str, role: str, owner: bool = False) -> list[Outgoing]:
    """Invite an address (owners only). The same answer whatever the address; the email says the rest."""
    organisation = await get(session, organisation_id)
    inviter = _owner(identity, organisation_id)
    check_role(organisation.kind, role)
    email = names.normalise_email(email)
    account = await session.scalar(select(Account).where(Account.email == email, Account.erased_at.is_(None)))
    if account is not None:
        if account.platform_role is not None:
            return []  # the staff are never enrolled by an organisation
        member = await session.scalar(select(Membership.id).where(
            Membership.organisation_id == organisation_id, Membership.account_id == account.id))
        if member is not None:
            return []
    session.add(Invitation(organisation_id=organisation_id, email=email, role=role, owner=owner,
                           invited_by_id=inviter.account_id,
                           expires_at=utcnow() + timedelta(days=settings.invitation_days)))
    await session.flush()
    return [mail.invitation(settings, email, organisation.name, ROLE_LABELS.get(role, role))]


async def my_invitations(session: AsyncSession, identity: Identity | None) -> list[InvitationOut]:
    """The pending invitations to the signed-in account's confirmed address."""
    identity = signed_in(identity)
    rows = await session.scalars(select(Invitation).where(
        Invitation.email == identity.email, Invitation.answered_at.is_(None),
        Invitation.expires_at > utcnow()).order_by(Invitation.id))
    return [invitation_out(i) for i in rows]


async def answer(session: AsyncSession, identity: Identity | None, invitation_id: int, accept: bool) -> InvitationOut:
    """Accept (a membership begins, with the invited role) or decline an invitation to one's own address."""
    identity = signed_in(identity)
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.email != identity.email or invitation.expires_at <= utcnow():
        raise NotFound(f"invitation {invitation_id} introuvable")
    if accept and identity.platform_role is not None:
        raise Forbidden("les modérateurs et les administrateurs de la plateforme ne rejoignent pas d'organisation")
    if accept and invitation.organisation_id in identity.memberships:
        raise Conflict("vous êtes déjà membre de cette organisation", field="id", source="path")
    claimed = await rows_changed(session, update(Invitation).where(
        Invitation.id == invitation_id, Invitation.answered_at.is_(None))
        .values(answered_at=utcnow(), accepted=accept).execution_options(synchronize_session=False))
    if claimed != 1:
        raise Conflict("cette invitation a déjà reçu une réponse", field="id", source="path")
    if accept:
        session.add(Membership(account_id=identity.account_id, organisation_id=invitation.organisation_id,
                               role=invitation.role, owner=invitation.owner))
    await session.flush()
    await session.refresh(invitation)
    return invitation_out(invitation)


async def cancel_invitation(session: AsyncSession, identity: Identity | None, organisation_id: int,
                            invitation_id: int) -> None:
    """Owners withdraw a pending invitation (its link then leads nowhere). Racing its answer, one wins:
    the other gets a 409 (answered already) or a 404 (withdrawn)."""
    await get(session, organisation_id)
    _owner(identity, organisation_id)
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation_id:
        raise NotFound(f"invitation {invitation_id} introuvable")
    withdrawn = await rows_changed(session, delete(Invitation).where(
        Invitation.id == invitation_id, Invitation.answered_at.is_(None))
        .execution_options(synchronize_session=False))
    if withdrawn != 1:
        raise Conflict("cette invitation a déjà reçu une réponse", field="invitation_id", source="path")
    session.expunge(invitation)


async def _membership(session: AsyncSession, organisation_id: int, account_id: int) -> Membership:
    membership = await session.scalar(select(Membership).where(Membership.organisation_id == organisation_id,
                                                               Membership.account_id == account_id))
    if membership is None:
        raise NotFound(f"le compte {account_id} n'est pas membre de l'organisation {organisation_id}")
    return membership


async def _owners(session: AsyncSession, organisation_id: int) -> int:
    return await session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organisation_id == organisation_id, Membership.owner.is_(True))) or 0


async def remove_member(session: AsyncSession, identity: Identity | None, organisation_id: int,
                        account_id: int) -> None:
    """Owners remove members; a member may leave; the last owner stays."""
    await get(session, organisation_id, lock=True)
    identity = signed_in(identity)
    if identity.account_id != account_id:
        _owner(identity, organisation_id)
    membership = await _membership(session, organisation_id, account_id)
    if membership.owner and await _owners(session, organisation_id) == 1:
        raise Conflict(LAST_OWNER, field="account_id", source="path")
    await session.delete(membership)
    await session.flush()


async def change_member(session: AsyncSession, identity: Identity | None, organisation_id: int, account_id: int,
                        role: str | None, owner: bool | None) -> MemberOut:
    """Owners change a member's role or make them owner (or not: never the last owner)."""
    organisation = await get(session, organisation_id, lock=True)
    _owner(identity, organisation_id)
    membership = await _membership(session, organisation_id, account_id)
    if role is not None:
        check_role(organisation.kind, role)
        membership.role = role  # type: ignore[assignment]
    if owner is False and membership.owner and await _owners(session, organisation_id) == 1:
        raise Conflict(LAST_OWNER, field="owner")
    if owner is not None:
        membership.owner = owner
    await session.flush()
    account = await session.get(Account, account_id)
    assert account is not None
    return member_out(membership, account)


async def set_default(session: AsyncSession, identity: Identity | None, organisation_id: int | None) -> None:
    """The organisation new listings belong to when the account acts for several (one of its own)."""
    identity = signed_in(identity)
    if organisation_id is not None and organisation_id not in identity.memberships:
        raise InvalidField("vous n'êtes pas membre de cette organisation", field="organisation_id")
    account = await session.get(Account, identity.account_id)
    assert account is not None
    account.default_organisation_id = organisation_id
    await session.flush()
