"""Accounts: register, log in and out (the session cookie, rate-limited per address; failed logins
also slow down per account and address), the signed-in account (its API tokens, its personal data),
organisations and their members, and platform roles (admins)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.middleware.rate_limit import get_remote_address
from litestar.utils.scope.state import ScopeState
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.deps import parse_id, strict_body
from api.guards import ACCOUNT, ANONYMOUS
from api.identity import IdentityDep
from api.security import CSRF_HEADER
from api.sessions import COOKIE, sign_in, sign_out
from api.transaction import once_committed
from market.access import any_account, signed_in
from market.accounts import organisations, personal_data, sessions, tokens
from market.accounts import service as accounts
from market.accounts.schemas import (
    Accepted,
    AccountOut,
    Confirm,
    Credentials,
    CsrfToken,
    DefaultOrganisation,
    Export,
    InvitationOut,
    Login,
    Logout,
    Me,
    MemberAdd,
    MemberChange,
    MemberOut,
    OrganisationCreate,
    OrganisationOut,
    PasswordChange,
    PlatformRoleChange,
    Register,
    Reset,
    ResetRequest,
    SessionOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
)
from market.accounts.throttle import LoginThrottle
from market.accounts.views import account_out, export_out, me_out, token_created, token_out
from market.config import Settings
from market.mail import Outgoing, deliver

SIGN_UP_SENT = ("si cette adresse peut recevoir nos messages, un email vient d'y être envoyé : suivez son lien "
                "pour confirmer l'adresse, puis connectez-vous")
INVITED = ("invitation envoyée : la personne la recevra par email et rejoindra l'organisation si elle l'accepte")
RESET_SENT = ("si un compte utilise cette adresse, un email vient d'y être envoyé avec un lien pour choisir un "
              "nouveau mot de passe")


def mailed(settings: Settings, mails: list[Outgoing], detail: str, status_code: int = 202) -> Response[Accepted]:
    """The answer, with the emails sent once it is committed (a background task of the response)."""
    return Response(Accepted(detail=detail), status_code=status_code,
                    background=once_committed(deliver, settings, mails))


class AuthController(Controller):
    path = "/api/auth"
    tags = ["comptes"]
    opt = ANONYMOUS  # signing up and in, and the links of the emails, are for people not signed in

    @post("/register", status_code=202, summary="Créer un compte (un lien de confirmation part par email)")
    async def register(self, db_session: AsyncSession, settings: Settings, data: Register,
                       body: bytes) -> Response[Accepted]:
        sent = strict_body(body, Register)
        mails = await accounts.sign_up(db_session, settings, sent.email, sent.password, sent.display_name)
        return mailed(settings, mails, SIGN_UP_SENT)

    @post("/confirm", status_code=200, summary="Confirmer mon adresse (le jeton du lien reçu par email)")
    async def confirm(self, db_session: AsyncSession, data: Confirm, body: bytes) -> Accepted:
        sent = strict_body(body, Confirm)
        await accounts.confirm(db_session, sent.token)
        return Accepted(detail="adresse confirmée : votre compte peut maintenant agir")

    @post("/confirm/resend", status_code=202, summary="Recevoir un nouveau lien de confirmation")
    async def resend(self, db_session: AsyncSession, settings: Settings, identity: IdentityDep) -> Response[Accepted]:
        mails = await accounts.resend_confirmation(db_session, settings, identity)
        return mailed(settings, mails, "si votre adresse n'est pas encore confirmée, un nouveau lien vient d'y être "
                      "envoyé")

    @post("/password/forgot", status_code=202, summary="Mot de passe oublié : recevoir un lien par email")
    async def forgot(self, db_session: AsyncSession, settings: Settings, data: ResetRequest,
                     body: bytes) -> Response[Accepted]:
        sent = strict_body(body, ResetRequest)
        return mailed(settings, await accounts.request_reset(db_session, settings, sent.email), RESET_SENT)

    @post("/password/reset", status_code=200, summary="Choisir un nouveau mot de passe (le jeton du lien reçu)")
    async def reset(self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                    data: Reset, body: bytes) -> Response[Accepted]:
        sent = strict_body(body, Reset)
        mails = await accounts.reset_password(db_session, settings, sent.token, sent.password)
        sign_out(request)
        return mailed(settings, mails, "mot de passe changé : toutes les sessions et les jetons d'API sont fermés, "
                      "connectez-vous", status_code=200)

    @post("/login", status_code=200, summary="Ouvrir une session (cookie HttpOnly)")
    async def login(self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                    data: Login, body: bytes) -> Me:
        sent = strict_body(body, Login)
        engine = db_session.bind
        assert isinstance(engine, AsyncEngine)
        throttle = LoginThrottle(engine, settings)
        account = await accounts.authenticate(db_session, settings, throttle, sent.email, sent.password,
                                              get_remote_address(request))
        sign_in(request, account.id)
        identity = await accounts.identity(db_session, account.id, via="session")
        assert identity is not None
        return me_out(account, identity)

    @post("/logout", status_code=204, summary="Fermer la session (toutes avec « everywhere »)")
    async def logout(self, request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep,
                     body: bytes) -> None:
        sent = strict_body(body, Logout) if body.strip() else Logout()
        if sent.everywhere and identity is not None:
            await sessions.end_all(db_session, identity.account_id)
        sign_out(request)

    @get("/csrf", summary="Le jeton CSRF à renvoyer dans l'en-tête X-CSRFToken")
    async def csrf(self, request: Request[Any, Any, Any]) -> CsrfToken:
        token = ScopeState.from_scope(request.scope).csrf_token
        return CsrfToken(csrf_token=str(token), header=CSRF_HEADER)


class MeController(Controller):
    path = "/api/me"
    opt = ACCOUNT
    tags = ["comptes"]

    @get("/", summary="Mon compte, mes rôles et mes organisations")
    async def me(self, db_session: AsyncSession, identity: IdentityDep) -> Me:
        current = any_account(identity)
        return me_out(await accounts.get_live(db_session, current.account_id), current)

    @get("/export", summary="Toutes mes données personnelles (JSON)")
    async def export(self, db_session: AsyncSession, identity: IdentityDep) -> Export:
        return export_out(await personal_data.gather(db_session, identity))

    @delete("/", status_code=204, summary="Effacer mon compte (les dons restent, anonymisés)")
    async def erase(self, request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep) -> None:
        await personal_data.erase(db_session, identity)
        sign_out(request)

    @put("/password", summary="Changer mon mot de passe (les autres sessions et jetons sont fermés)")
    async def change_password(self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                              identity: IdentityDep, data: PasswordChange, body: bytes) -> Response[Accepted]:
        sent = strict_body(body, PasswordChange)
        mails = await accounts.change_password(db_session, settings, identity, sent.current_password,
                                               sent.new_password)
        if identity is not None and identity.via == "session":
            sign_in(request, identity.account_id)  # this browser goes on, under a new session id
        return mailed(settings, mails, "mot de passe changé : vos autres sessions et jetons d'API sont fermés",
                      status_code=200)

    @get("/sessions", summary="Ce qui est connecté à mon compte : sessions et jetons d'API")
    async def credentials(self, request: Request[Any, Any, Any], db_session: AsyncSession,
                          identity: IdentityDep) -> Credentials:
        rows = await sessions.list_for(db_session, identity)
        cookie = request.cookies.get(COOKIE)
        account_id = signed_in(identity).account_id
        return Credentials(
            sessions=[SessionOut(id=str(r.id), expires_at=r.expires_at, current=r.session_id == cookie) for r in rows],
            tokens=[token_out(t) for t in await tokens.list_for(db_session, account_id)])

    @delete("/sessions/{session_id:str}", status_code=204, summary="Fermer une de mes sessions")
    async def end_session(self, db_session: AsyncSession, identity: IdentityDep, session_id: str) -> None:
        await sessions.end(db_session, identity, session_id)

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

    @post("/{organisation_id:str}/members", status_code=202,
          summary="Inviter une adresse à rejoindre l'organisation (propriétaires ; la personne accepte)")
    async def add_member(self, db_session: AsyncSession, settings: Settings, identity: IdentityDep,
                         organisation_id: str, data: MemberAdd, body: bytes) -> Response[Accepted]:
        sent = strict_body(body, MemberAdd)
        mails = await organisations.invite(db_session, settings, identity, parse_id(organisation_id, "organisation"),
                                           sent.email, sent.role, sent.owner)
        return mailed(settings, mails, INVITED)

    @put("/{organisation_id:str}/members/{account_id:str}", summary="Changer le rôle d'un membre (propriétaires)")
    async def change_member(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                            account_id: str, data: MemberChange, body: bytes) -> MemberOut:
        sent = strict_body(body, MemberChange)
        return await organisations.change_member(db_session, identity, parse_id(organisation_id, "organisation"),
                                                 parse_id(account_id, "compte"), sent.role, sent.owner)

    @delete("/{organisation_id:str}/members/{account_id:str}", status_code=204,
            summary="Retirer un membre (propriétaires), ou quitter l'organisation")
    async def remove_member(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                            account_id: str) -> None:
        await organisations.remove_member(db_session, identity, parse_id(organisation_id, "organisation"),
                                          parse_id(account_id, "compte"))

    @delete("/{organisation_id:str}/invitations/{invitation_id:str}", status_code=204,
            summary="Annuler une invitation en attente (propriétaires)")
    async def cancel_invitation(self, db_session: AsyncSession, identity: IdentityDep, organisation_id: str,
                                invitation_id: str) -> None:
        await organisations.cancel_invitation(db_session, identity, parse_id(organisation_id, "organisation"),
                                              parse_id(invitation_id, "invitation"))


class InvitationController(Controller):
    path = "/api/me"
    opt = ACCOUNT
    tags = ["organisations"]

    @get("/invitations", summary="Mes invitations en attente (à mon adresse confirmée)")
    async def invitations(self, db_session: AsyncSession, identity: IdentityDep) -> list[InvitationOut]:
        return await organisations.my_invitations(db_session, identity)

    @post("/invitations/{invitation_id:str}/accept", status_code=200, summary="Accepter une invitation")
    async def accept(self, db_session: AsyncSession, identity: IdentityDep, invitation_id: str) -> InvitationOut:
        return await organisations.answer(db_session, identity, parse_id(invitation_id, "invitation"), True)

    @post("/invitations/{invitation_id:str}/decline", status_code=200, summary="Refuser une invitation")
    async def decline(self, db_session: AsyncSession, identity: IdentityDep, invitation_id: str) -> InvitationOut:
        return await organisations.answer(db_session, identity, parse_id(invitation_id, "invitation"), False)

    @put("/default-organisation", summary="Mon organisation par défaut pour les nouvelles annonces")
    async def default_organisation(self, db_session: AsyncSession, identity: IdentityDep,
                                   data: DefaultOrganisation, body: bytes) -> Me:
        sent = strict_body(body, DefaultOrganisation)
        await organisations.set_default(db_session, identity, sent.organisation_id)
        current = signed_in(identity)
        return me_out(await accounts.get_live(db_session, current.account_id), current)


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
