"""My space beyond the account: my listings (« mes initiatives », « mes offres »), my pledges
(« mes dons »), and my organisations' members and invitations."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id
from api.identity import IdentityDep
from api.pages.common import BY_KIND, form_errors, form_values, log_in_first, options, render, see_other
from market.access import KIND_ROLES, Identity
from market.accounts import organisations
from market.accounts import service as accounts
from market.accounts.personal_data import my_pledges
from market.accounts.schemas import MemberAdd
from market.config import Settings
from market.errors import DomainError, NotFound
from market.listings.mine import of_my_organisations
from market.mail import deliver
from market.moderation.workflow import STATE_LABELS
from market.pledges import service as pledges
from market.vocabulary import MEMBER_ROLES, ORGANISATION_KINDS, ROLE_LABELS

PLEDGE_STATES = {"pending": "paiement en attente", "succeeded": "payé", "failed": "paiement refusé",
                 "refunded": "remboursé", "partially_refunded": "remboursé en partie"}


@get("/mes-annonces", include_in_schema=False)
async def my_listings(db_session: AsyncSession, identity: IdentityDep, archivee: str = "") -> Template | Redirect:
    if identity is None:
        return log_in_first("/mes-annonces")
    found = await of_my_organisations(db_session, identity)
    sections = [(BY_KIND[kind], [BY_KIND[kind].spec.to_out(row) for row in rows]) for kind, rows in found.items()]
    return render("my_listings.html", identity, title="Mes annonces", initiatives=sections[0], offers=sections[1:],
                  state_labels=STATE_LABELS, archived=archivee == "1")


@get("/mes-dons", include_in_schema=False)
async def my_donations(db_session: AsyncSession, settings: Settings, identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return log_in_first("/mes-dons")
    rows = await my_pledges(db_session, identity)
    shown = [(row, await pledges.receipt_view(db_session, settings, row.id)) for row in reversed(rows)]
    return render("my_pledges.html", identity, title="Mes dons", pledges=shown, state_labels=PLEDGE_STATES)


async def my_space_page(db_session: AsyncSession, identity: Identity, *, values: dict[str, str] | None = None,
                        errors: dict[str, str] | None = None, welcome: bool = False, invited: bool = False,
                        password_changed: bool = False, done: str | None = None,
                        member_errors: dict[int, str] | None = None,
                        invite_errors: dict[int, dict[str, str]] | None = None,
                        invite_values: dict[int, dict[str, str]] | None = None, status_code: int = 200) -> Template:
    """« Mon espace »: my account, my organisations with their members (their pending invitations for
    their owners, a form to invite), the invitations I received, the organisation form."""
    account = await accounts.get_live(db_session, identity.account_id)
    mine = [await organisations.read(db_session, identity, number) for number in identity.memberships]
    received = await organisations.my_invitations(db_session, identity) if identity.verified else []
    return render("account.html", identity, status_code=status_code, title="Mon espace", account=account,
                  organisations=mine, received=received, welcome=welcome, invited=invited,
                  password_changed=password_changed, done=done, member_errors=member_errors or {},
                  kind_roles={o.id: [r for r in MEMBER_ROLES if r in KIND_ROLES[o.kind]] for o in mine},
                  values=values or {},
                  errors=errors or {}, invite_errors=invite_errors or {}, invite_values=invite_values or {},
                  organisation_kinds=[{"code": c, "label": t} for c, t in ORGANISATION_KINDS.items()],
                  roles=[{"code": r, "label": ROLE_LABELS[r]} for r in MEMBER_ROLES], role_labels=ROLE_LABELS,
                  options=options)


@post("/organisations/{organisation_id:str}/invitations", include_in_schema=False)
async def invite(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                 identity: IdentityDep, organisation_id: str) -> Template | Redirect:
    if identity is None:
        return log_in_first("/mon-compte")
    values, _ = await form_values(request)
    number = parse_id(organisation_id, "organisation")
    try:
        sent = msgspec.convert({"email": values.get("email", ""), "role": values.get("role", "")}, MemberAdd)
        mails = await organisations.invite(db_session, settings, identity, number, sent.email, sent.role)
    except (DomainError, msgspec.ValidationError) as exc:
        await db_session.rollback()
        return await my_space_page(db_session, identity, invite_errors={number: form_errors(exc)},
                                   invite_values={number: values}, status_code=getattr(exc, "status_code", 400))
    return Redirect(path=f"/mon-compte?invitation=envoyee#organisation-{number}", status_code=303,
                    background=BackgroundTask(deliver, settings, mails))


@post("/invitations/{invitation_id:str}/{answer:str}", include_in_schema=False)
async def answer_invitation(db_session: AsyncSession, identity: IdentityDep, invitation_id: str,
                            answer: str) -> Redirect:
    if identity is None:
        return log_in_first("/mon-compte")
    if answer not in ("accepter", "refuser"):
        raise NotFound("cette page n'existe pas")
    await organisations.answer(db_session, identity, parse_id(invitation_id, "invitation"), answer == "accepter")
    return see_other("/mon-compte")


MY_SPACE_PAGES = [my_listings, my_donations, invite, answer_invitation]
