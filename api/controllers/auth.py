"""Register, log in, log out: the session cookie of the web client. Rate-limited per address
(RateLimitMiddleware on this controller); failed logins also slow down per account and address."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.middleware.rate_limit import get_remote_address
from litestar.utils.scope.state import ScopeState
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import strict_body
from api.security import CSRF_HEADER
from api.sessions import sign_in, sign_out
from market.account_schemas import CsrfToken, Login, Me, Register
from market.account_views import me_out
from market.config import Settings
from market.services import accounts
from market.services.throttle import LoginThrottle

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
