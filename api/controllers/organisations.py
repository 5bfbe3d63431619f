"""Organisations and their members."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id, strict_body
from api.identity import IdentityDep
from market.account_schemas import MemberAdd, MemberOut, OrganisationCreate, OrganisationOut
from market.account_views import member_out, organisation_out
from market.models import Account
from market.services import organisations


class OrganisationController(Controller):
    path = "/api/organisations"
    tags = ["organisations"]

    @post("/", status_code=201, summary="Créer une organisation (j'en deviens membre avec le rôle choisi)")
    async def create(self, db_session: AsyncSession, identity: IdentityDep, data: OrganisationCreate,
                     body: bytes) -> OrganisationOut:
        sent = strict_body(body, OrganisationCreate)
        organisation = await organisations.create(db_session, identity, sent.name, sent.kind, sent.role, sent.siren)
        return await _out(db_session, organisation.id, show_members=True)

    @get("/{organisation_id:str}", summary="Une organisation (ses membres pour ses membres et la modération)")
    async def read(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str) -> OrganisationOut:
        organisation = parse_id(organisation_id, "organisation")
        show = identity is not None and (identity.is_staff or organisation in identity.memberships)
        return await _out(db_session, organisation, show_members=show)

    @post("/{organisation_id:str}/members", status_code=201, summary="Ajouter un membre (un compte existant)")
    async def add_member(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                         data: MemberAdd, body: bytes) -> MemberOut:
        sent = strict_body(body, MemberAdd)
        membership = await organisations.add_member(db_session, identity, parse_id(organisation_id, "organisation"),
                                                    sent.email, sent.role)
        account = await db_session.get(Account, membership.account_id)
        assert account is not None
        return member_out(membership, account)

    @delete("/{organisation_id:str}/members/{account_id:str}", status_code=204, summary="Retirer un membre")
    async def remove_member(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                            account_id: str) -> None:
        await organisations.remove_member(db_session, identity, parse_id(organisation_id, "organisation"),
                                          parse_id(account_id, "compte"))



async def _out(db_session: AsyncSession, organisation_id: int, *, show_members: bool) -> OrganisationOut:
    organisation = await organisations.get(db_session, organisation_id)
    members = None
    if show_members:
        members = []
        for row in await organisations.members(db_session, organisation_id):
            account = await db_session.get(Account, row.account_id)
            if account is not None:
                members.append(member_out(row, account))
    return organisation_out(organisation, members)
