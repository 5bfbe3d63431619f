"""Authentication before validation: a write to a route that needs an account is refused (401)
before its body or parameters are read, so what it sent changes nothing in the answer.

An app-wide guard on the JSON API. The writes open to anyone (signing up and in, account links,
pledges, the Stripe webhook) say so with `opt=ANONYMOUS`; the reads that need an account (my
account, the moderation queue, a match) say so with `opt=ACCOUNT`, and the OpenAPI document lists
no anonymous option for them. A bearer token is checked here (an unknown, revoked or expired token
is a 401 whatever the body), a signed-in session goes on; the services decide who may do what. The
web client's forms redirect to the sign-in page themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.identity import BEARER
from market.access import NOT_SIGNED_IN
from market.accounts import tokens
from market.errors import NotAuthenticated

ANONYMOUS = {"anonymous": True}
ACCOUNT = {"account": True}
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
Guard = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]


def signed_in_session(connection: ASGIConnection) -> bool:
    data = connection.scope.get("session")
    return isinstance(data, dict) and data.get("account_id") is not None


def needs_account(method: str, handler: BaseRouteHandler) -> bool:
    if handler.opt.get("account"):
        return True
    return method not in SAFE and not handler.opt.get("anonymous")


def credentials_first(db_config: SQLAlchemyAsyncConfig) -> Guard:
    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        scope = connection.scope
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return
        if not needs_account(scope["method"], handler):
            return
        scheme, _, token = connection.headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            session = db_config.provide_session(connection.app.state, scope)  # the request's own session
            if await tokens.live(session, token.strip()) is None:
                raise NotAuthenticated("jeton d'API inconnu, révoqué ou expiré", field="Authorization",
                                       source="header", headers=BEARER)
            return
        if scheme or signed_in_session(connection):
            return  # a malformed Authorization header: the identity dependency names it
        raise NotAuthenticated(NOT_SIGNED_IN)

    return guard
