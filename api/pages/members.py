"""Managing my organisations' members from « mon espace »: change a member's role or owner status,
remove a member (after a confirmation page), leave an organisation, withdraw a pending invitation.
The rules are the organisation service's: only owners manage, the last owner neither leaves nor is
removed or demoted (409, said on the page)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id
from api.identity import IdentityDep
from api.pages.common import form_values, log_in_first, render, see_other
from api.pages.my_space import my_space_page
from market.access import Identity
from market.accounts import organisations
from market.errors import DomainError, NotFound
from market.vocabulary import MEMBER_ROLES

# what « mon espace » says after each action (`?fait=`)
DONE = {"membre-modifie": "Membre modifié.", "membre-retire": "Membre retiré de l'organisation.",
        "organisation-quittee": "Vous avez quitté l'organisation.", "invitation-annulee": "Invitation annulée."}


def _back(done: str, organisation_id: int | None = None) -> Redirect:
    return see_other(f"/mon-compte?fait={done}" + (f"#organisation-{organisation_id}" if organisation_id else ""))


async def _member(db_session: AsyncSession, identity: Identity, organisation_id: int, account_id: int) -> Any:
    """The organisation as I see it and the member named (404 when I may not see its members)."""
    organisation = await organisations.read(db_session, identity, organisation_id)
    member = next((m for m in organisation.members or [] if m.account_id == account_id), None)
    if member is None:
        raise NotFound(f"le compte {account_id} n'est pas membre de l'organisation {organisation_id}")
    return organisation, member


@post("/organisations/{organisation_id:str}/membres/{account_id:str}/modifier", include_in_schema=False)
async def change_member(request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep,
                        organisation_id: str, account_id: str) -> Template | Redirect:
    if identity is None:
        return log_in_first("/mon-compte")
    number = parse_id(organisation_id, "organisation")
    values, _ = await form_values(request)
    try:
        if values.get("role") not in MEMBER_ROLES:
            raise DomainError("choisissez un rôle", field="role")
        await organisations.change_member(db_session, identity, number, parse_id(account_id, "compte"),
                                          values["role"], values.get("owner") == "oui")
    except DomainError as exc:
        await db_session.rollback()
        return await my_space_page(db_session, identity, member_errors={number: exc.detail},
                                   status_code=exc.status_code)
    return _back("membre-modifie", number)


def _leaving(identity: Identity, account_id: int) -> bool:
    return identity.account_id == account_id


@get("/organisations/{organisation_id:str}/membres/{account_id:str}/retirer", include_in_schema=False)
async def remove_form(db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                      account_id: str) -> Template | Redirect:
    if identity is None:
        return log_in_first("/mon-compte")
    organisation, member = await _member(db_session, identity, parse_id(organisation_id, "organisation"),
                                         parse_id(account_id, "compte"))
    return _confirm_page(identity, organisation, member, None)


def _confirm_page(identity: Identity, organisation: Any, member: Any, error: str | None,
                  status_code: int = 200) -> Template:
    leaving = _leaving(identity, member.account_id)
    title = f"Quitter « {organisation.name} »" if leaving else \
        f"Retirer {member.display_name or member.email} de « {organisation.name} »"
    return render("member_remove.html", identity, status_code=status_code, title=title, organisation=organisation,
                  member=member, leaving=leaving, error=error)


@post("/organisations/{organisation_id:str}/membres/{account_id:str}/retirer", include_in_schema=False)
async def remove_member(db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                        account_id: str) -> Template | Redirect:
    if identity is None:
        return log_in_first("/mon-compte")
    number, account = parse_id(organisation_id, "organisation"), parse_id(account_id, "compte")
    try:
        await organisations.remove_member(db_session, identity, number, account)
    except DomainError as exc:
        await db_session.rollback()
        if exc.status_code != 409:
            raise  # 403, 404: the error page
        organisation, member = await _member(db_session, identity, number, account)
        return _confirm_page(identity, organisation, member, exc.detail, status_code=409)
    return _back("organisation-quittee") if _leaving(identity, account) else _back("membre-retire", number)


@post("/organisations/{organisation_id:str}/invitations/{invitation_id:str}/annuler", include_in_schema=False)
async def cancel_invitation(db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                            invitation_id: str) -> Template | Redirect:
    if identity is None:
        return log_in_first("/mon-compte")
    number = parse_id(organisation_id, "organisation")
    try:
        await organisations.cancel_invitation(db_session, identity, number, parse_id(invitation_id, "invitation"))
    except DomainError as exc:
        await db_session.rollback()
        if exc.status_code != 409:
            raise
        return await my_space_page(db_session, identity, member_errors={number: exc.detail}, status_code=409)
    return _back("invitation-annulee", number)


MEMBER_PAGES = [change_member, remove_form, remove_member, cancel_invitation]
