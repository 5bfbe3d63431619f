"""Who may open the back office: moderators and admins. Anonymous visitors are sent to the login page
(back here afterwards); any other account gets the French 403 page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.response import Redirect

from market import access
from market.access import Identity


async def provide_staff(identity: Identity | None) -> Identity:
    return access.staff(identity)


def to_login(request: Request[Any, Any, Any], exc: Exception) -> Redirect:
    return Redirect(path=f"/connexion?suite={quote(request.url.path)}", status_code=303)
