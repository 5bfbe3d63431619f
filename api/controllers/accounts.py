"""Accounts: register, log in and out (the session cookie, rate-limited per address; failed logins
also slow down per account and address), the signed-in account (its API tokens, its personal data),
organisations and their members, and platform roles (admins)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.middleware.rate_limit import get_remote_address
from litestar.utils.scope.state import ScopeState
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id, strict_body
from api.identity import IdentityDep
from api.security import CSRF_HEADER
from api.sessions import sign_in, sign_out
from market.access import signed_in
from market.accounts import organisations, personal_data, tokens
from market.accounts import service as accounts
from market.accounts.schemas import (
    AccountOut,
    CsrfToken,
    Export,
    Login,
    Me,
    MemberAdd,
    MemberOut,
    OrganisationCreate,
    OrganisationOut,
    PlatformRoleChange,
    Register,
    TokenCreate,
    TokenCreated,
    TokenOut,
)
from market.accounts.throttle import LoginThrottle
from market.accounts.views import account_out, export_out, me_out, token_created, token_out
from market.config import Settings

LOGIN_STORE = "login_failures"


class AuthController(Controller):
    path = "/api/auth"
    tags = ["comptes"]

    @post("/register", status_code=201, summary="Créer un compte (et ouvrir une session)")
    async def register(self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                       data: Register, body: bytes) -> Me:
        sent = strict_body(body, Register)
        account = await accounts.register(db_session, settings, sent.email, sent.password, sent.display_name)
        sign_in(request, account.id)
        identity = await accounts.identity(db_session, account.id, via="session")
        assert identity is not None
        return me_out(account, identity)

    @post("/login", status_code=200, summary="Ouvrir une session (cookie HttpOnly)")
    async def login(self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                    data: Login, body: bytes) -> Me:
        sent = strict_body(body, Login)
        throttle = LoginThrottle(request.app.stores.get(LOGIN_STORE), settings)
        account = await accounts.authenticate(db_session, settings, throttle, sent.email, sent.password,
                                              get_remote_address(request))
        sign_in(request, account.id)
        identity = await accounts.identity(db_session, account.id, via="session")
        assert identity is not None
        return me_out(account, identity)

    @post("/logout", status_code=204, summary="Fermer la session")
    async def logout(self, request: Request[Any, Any, Any]) -> None:
        sign_out(request)

    @get("/csrf", summary="Le jeton CSRF à renvoyer dans l'en-tête X-CSRFToken")
    async def csrf(self, request: Request[Any, Any, Any]) -> CsrfToken:
        token = ScopeState.from_scope(request.scope).csrf_token
        return CsrfToken(csrf_token=str(token), header=CSRF_HEADER)


class MeController(Controller):
    path = "/api/me"
    tags = ["comptes"]

    @get("/", summary="Mon compte, mes rôles et mes organisations")
    async def me(self, db_session: AsyncSession, identity: IdentityDep) -> Me:
        current = signed_in(identity)
        return me_out(await accounts.get_live(db_session, current.account_id), current)

    @get("/export", summary="Toutes mes données personnelles (JSON)")
    async def export(self, db_session: AsyncSession, identity: IdentityDep) -> Export:
        return export_out(await personal_data.gather(db_session, identity))

    @delete("/", status_code=204, summary="Effacer mon compte (les dons restent, anonymisés)")
    async def erase(self, request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep) -> None:
        await personal_data.erase(db_session, identity)
        sign_out(request)

    @get("/tokens", summary="Mes jetons d'API (sans leur valeur)")
    async def list_tokens(self, db_session: AsyncSession, identity: IdentityDep) -> list[TokenOut]:
        return [token_out(t) for t in await tokens.list_for(db_session, signed_in(identity).account_id)]

    @post("/tokens", status_code=201, summary="Créer un jeton d'API (montré une seule fois)")
    async def create_token(self, db_session: AsyncSession, identity: IdentityDep, data: TokenCreate,
                           body: bytes) -> TokenCreated:
        sent = strict_body(body, TokenCreate)
        row, plain = await tokens.create(db_session, signed_in(identity).account_id, sent.name, sent.expires_in_days)
        return token_created(row, plain)

    @delete("/tokens/{token_id:str}", status_code=200, summary="Révoquer un jeton d'API")
    async def revoke_token(self, db_session: AsyncSession, identity: IdentityDep, token_id: str) -> TokenOut:
        account_id = signed_in(identity).account_id
        return token_out(await tokens.revoke(db_session, account_id, parse_id(token_id, "jeton")))


class OrganisationController(Controller):
    path = "/api/organisations"
    tags = ["organisations"]

    @post("/", status_code=201, summary="Créer une organisation (j'en deviens membre avec le rôle choisi)")
    async def create(self, db_session: AsyncSession, identity: IdentityDep, data: OrganisationCreate,
                     body: bytes) -> OrganisationOut:
        sent = strict_body(body, OrganisationCreate)
        organisation = await organisations.create(db_session, identity, sent.name, sent.kind, sent.role, sent.siren)
        return await organisations.read(db_session, identity, organisation.id)

    @get("/{organisation_id:str}", summary="Une organisation (ses membres pour ses membres et la modération)")
    async def read(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str) -> OrganisationOut:
        return await organisations.read(db_session, identity, parse_id(organisation_id, "organisation"))

    @post("/{organisation_id:str}/members", status_code=201, summary="Ajouter un membre (un compte existant)")
    async def add_member(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                         data: MemberAdd, body: bytes) -> MemberOut:
        sent = strict_body(body, MemberAdd)
        return await organisations.add_member(db_session, identity, parse_id(organisation_id, "organisation"),
                                              sent.email, sent.role)

    @delete("/{organisation_id:str}/members/{account_id:str}", status_code=204, summary="Retirer un membre")
    async def remove_member(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                            account_id: str) -> None:
        await organisations.remove_member(db_session, identity, parse_id(organisation_id, "organisation"),
                                          parse_id(account_id, "compte"))


class PlatformRoleController(Controller):
    path = "/api/admin"
    tags = ["administration"]

    @put("/accounts/{account_id:str}/platform-role", summary="Donner ou retirer le rôle modérateur ou admin")
    async def platform_role(self, db_session: AsyncSession, identity: IdentityDep, account_id: str,
                            data: PlatformRoleChange, body: bytes) -> AccountOut:
        sent = strict_body(body, PlatformRoleChange)
        account = await accounts.set_platform_role(db_session, identity, parse_id(account_id, "compte"),
                                                   sent.platform_role)
        return account_out(account)
