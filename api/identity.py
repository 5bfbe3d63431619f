"""Who the request acts as: the account of a bearer API token, or of the session cookie, or nobody.

Handlers take `identity: IdentityDep` (None when anonymous) and hand it to the services, which
hold the rules (`market.access`). A bearer header always wins over the cookie and is
never mixed with it: an unknown, revoked or expired token is a 401, even with a valid session.
"""

from __future__ import annotations

import time
from typing import Any

from litestar import Request
from litestar.params import SkipValidation
from sqlalchemy.ext.asyncio import AsyncSession

from api.sessions import sign_out
from market.access import Identity
from market.accounts import service as accounts
from market.accounts import tokens
from market.config import Settings
from market.errors import NotAuthenticated

IdentityDep = SkipValidation[Identity | None]
BEARER = {"WWW-Authenticate": 'Bearer realm="bourse"'}


async def provide_identity(request: Request[Any, Any, Any], db_session: AsyncSession,
                           settings: Settings) -> Identity | None:
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("en-tête Authorization : « Bearer <jeton> » attendu", field="Authorization",
                                   source="header", headers=BEARER)
        row = await tokens.live(db_session, token.strip())
        found = await accounts.identity(db_session, row.account_id, via="token", token_id=row.id) if row else None
        if found is None:
            raise NotAuthenticated("jeton d'API inconnu, révoqué ou expiré", field="Authorization",
                                   source="header", headers=BEARER)
        return found
    data = request.scope.get("session")
    if not isinstance(data, dict) or not data:
        return None
    account_id, started = data.get("account_id"), data.get("at")
    fresh = isinstance(started, int | float) and time.time() - started < settings.session_max_age
    found = await accounts.identity(db_session, account_id, via="session") if isinstance(account_id, int) else None
    if found is None or not fresh:  # erased account, or a session older than its lifetime: it ends here
        sign_out(request)
        return None
    return found
