"""Organisations and their members. The account that creates an organisation becomes its first
member; members add and remove members (an existing account, by email); admins may too."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.accounts import service as accounts
from market.accounts.schemas import MemberOut, OrganisationOut
from market.accounts.views import member_out, organisation_out
from market.errors import Conflict, Forbidden, InvalidField, NotFound
from market.models import Account, Membership, Organisation
from market.validators import check_siren, clean_text, new_slug


async def get(session: AsyncSession, organisation_id: int) -> Organisation:
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} introuvable")
    return organisation


async def create(session: AsyncSession, identity: Identity | None, name: str, kind: str, role: str,
                 siren: str | None = None) -> Organisation:
    identity = signed_in(identity)
    name = clean_text(name, "name")
    organisation = Organisation(slug=new_slug(name), name=name, kind=kind, siren=check_siren(siren) if siren else None)
    session.add(organisation)
    await session.flush()
    session.add(Membership(account_id=identity.account_id, organisation_id=organisation.id, role=role))
    await session.flush()
    return organisation


def _check_member_or_admin(identity: Identity | None, organisation_id: int) -> Identity:
    identity = signed_in(identity)
    if organisation_id not in identity.memberships and not identity.is_admin:
        raise Forbidden("seuls les membres de l'organisation et les administrateurs gèrent ses membres")
    return identity


async def read(session: AsyncSession, viewer: Identity | None, organisation_id: int) -> OrganisationOut:
    """An organisation for anyone; its members for its own members and the staff only."""
    organisation = await get(session, organisation_id)
    members = None
    if viewer is not None and (viewer.is_staff or organisation_id in viewer.memberships):
        rows = await session.execute(
            select(Membership, Account).join(Account, Account.id == Membership.account_id)
            .where(Membership.organisation_id == organisation_id).order_by(Membership.id)
        )
        members = [member_out(membership, account) for membership, account in rows.tuples()]
    return organisation_out(organisation, members)


async def add_member(session: AsyncSession, identity: Identity | None, organisation_id: int, email: str,
                     role: str) -> MemberOut:
    await get(session, organisation_id)
    _check_member_or_admin(identity, organisation_id)
    account = await accounts.by_email(session, email)
    if account is None:
        raise InvalidField("aucun compte n'a cette adresse : la personne doit d'abord s'inscrire", field="email")
    existing = await session.scalar(select(Membership).where(Membership.organisation_id == organisation_id,
                                                             Membership.account_id == account.id))
    if existing is not None:
        raise Conflict("cette personne est déjà membre de l'organisation", field="email")
    membership = Membership(account_id=account.id, organisation_id=organisation_id, role=role)
    session.add(membership)
    await session.flush()
    return member_out(membership, account)


async def remove_member(session: AsyncSession, identity: Identity | None, organisation_id: int,
                        account_id: int) -> None:
    await get(session, organisation_id)
    _check_member_or_admin(identity, organisation_id)
    membership = await session.scalar(select(Membership).where(Membership.organisation_id == organisation_id,
                                                               Membership.account_id == account_id))
    if membership is None:
        raise NotFound(f"le compte {account_id} n'est pas membre de l'organisation {organisation_id}")
    count = await session.scalar(select(func.count()).where(Membership.organisation_id == organisation_id))
    if count == 1:
        raise Conflict("le dernier membre d'une organisation ne peut pas la quitter", field="account_id")
    await session.delete(membership)
    await session.flush()
