"""Authentication before validation: an anonymous write to a route that needs an account is refused
(401) before its body or parameters are read, so what it sent changes nothing in the answer.

An app-wide guard on the JSON API. The writes open to anyone (signing up and in, account links,
pledges, the Stripe webhook) say so with `opt=ANONYMOUS`; the web client's forms redirect to the
sign-in page themselves. A request with a bearer token or a signed-in session goes on: the identity
dependency checks the token, and the services who may do what.

The guard is a coroutine: Litestar runs a plain function guard in a worker thread, a thread hop on
every request for a few dictionary look-ups.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.security import bearer_header
from market.access import NOT_SIGNED_IN
from market.errors import NotAuthenticated

ANONYMOUS = {"anonymous": True}
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def signed_in_session(connection: ASGIConnection) -> bool:
    data = connection.scope.get("session")
    return isinstance(data, dict) and data.get("account_id") is not None


async def credentials_first(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    scope = connection.scope
    if scope["type"] != "http" or scope["method"] in SAFE or handler.opt.get("anonymous"):
        return
    if not scope["path"].startswith("/api/"):
        return
    if bearer_header(connection) or signed_in_session(connection):
        return
    raise NotAuthenticated(NOT_SIGNED_IN)
