"""Litestar's own protections, configured, and the two small changes they need here.

- CSRF: Litestar's `CSRFMiddleware` (double-submit cookie `csrftoken`, HMAC-signed with SECRET_KEY,
  sent back in the `X-CSRFToken` header or the `_csrf_token` form field). The subclass skips two kinds
  of unsafe request that carry no credential a browser adds by itself: those with an
  `Authorization: Bearer` header (authenticated by the token only, never by the cookie: a bad token
  is a 401, not a fall-back to the session) and those with no session cookie (anonymous: a pledge),
  except on `/api/auth/*`, which start a session (login CSRF). The Stripe webhook is excluded by path.
- Login rate per address: Litestar's `RateLimitMiddleware` on the auth routes, its windows kept in
  the database store (shared by every instance); the subclass adds `Retry-After` to its 429.
- Security headers on every response (a before-send hook, so 404s of unknown paths get them too).
- The access log (uvicorn's) never holds a token: query parameters named like one (`token`, the
  account links' `jeton`, the `payment_intent_client_secret` Stripe adds when it sends the payer
  back) and the receipts' path are masked before the line is written.
- A page may send a policy of its own (the payment page with Stripe Elements: `stripe_policy`); the
  hook keeps it. Every other response gets the strict one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection, Request
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, RateLimitMiddleware, get_remote_address
from litestar.types import Message, Receive, Scope, Send

from api.sessions import COOKIE
from market.config import Settings

# a token in the query (`?token=`) or in the path of a receipt (`/receipts/<token>`)
SECRET_QUERY = re.compile(r"([?&](?:token|jeton|code|key|payment_intent_client_secret)=|/receipts/)[^&#/?\s\"]+",
                          re.IGNORECASE)
ACCESS_LOGGERS = ("uvicorn.access", "litestar.access")
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
WEBHOOK = "/api/stripe/webhook"
SESSION_STARTING = "/api/auth/"
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
# the Swagger UI page starts itself with an inline script and style
CSP_DOCS = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def bearer_header(connection: ASGIConnection) -> bool:
    return connection.headers.get("authorization", "").lower().startswith("bearer ")


class BourseCSRFMiddleware(CSRFMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in self.config.safe_methods:
            connection: ASGIConnection = ASGIConnection(scope)
            anonymous = COOKIE not in connection.cookies and not scope["path"].startswith(SESSION_STARTING)
            if bearer_header(connection) or anonymous:
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    config = CSRFConfig(secret=settings.secret_key, cookie_name=CSRF_COOKIE, header_name=CSRF_HEADER,
                        cookie_secure=not settings.is_development, cookie_samesite="lax", exclude=[f"^{WEBHOOK}"])
    return DefineMiddleware(BourseCSRFMiddleware, config=config)


class RetryAfterRateLimit(RateLimitMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except TooManyRequestsException as exc:  # the limit's 429: when to come back
            reset = (exc.headers or {}).get(self.config.rate_limit_reset_header_key, "60")
            exc.headers = {**(exc.headers or {}), "Retry-After": str(max(1, int(reset)))}
            raise


def auth_rate_limit(settings: Settings) -> DefineMiddleware:
    secret = settings.secret_key.encode()

    def address_key(request: Request[Any, Any, Any]) -> str:  # the store keeps no plain address
        return "auth:" + hmac.new(secret, get_remote_address(request).encode(), hashlib.sha256).hexdigest()

    async def unsafe_only(request: Request[Any, Any, Any]) -> bool:  # reading the CSRF token is not limited
        return request.method == "POST"

    config = RateLimitConfig(rate_limit=("minute", settings.auth_rate_per_minute), store="rate_limit",
                             identifier_for_request=address_key, middleware_class=RetryAfterRateLimit,
                             check_throttle_handler=unsafe_only)
    return config.middleware


def content_security_policy(settings: Settings) -> str:
    """The pages' policy; the map tiles' server, when one is set, may serve images."""
    if not settings.map_tiles_url:
        return CSP
    tiles = urlsplit(settings.map_tiles_url.replace("{s}", "*"))
    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {tiles.scheme}://{tiles.netloc}")


STRIPE_JS = "https://js.stripe.com"


def stripe_policy(settings: Settings) -> str:
    """The payment page's policy when Stripe Elements is used: Stripe.js (the only script from another
    site), its frames and its API; everything else as strict as on every page."""
    return (content_security_policy(settings)
            + f"; script-src 'self' {STRIPE_JS}; frame-src {STRIPE_JS} https://hooks.stripe.com"
            + "; connect-src 'self' https://api.stripe.com")


def security_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """Before-send hook: Content-Security-Policy (with frame-ancestors 'none'), nosniff, no referrer."""
    policy = content_security_policy(settings)

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        if scope.get("path", "").startswith("/schema"):
            headers["Content-Security-Policy"] = CSP_DOCS
        elif "Content-Security-Policy" not in headers:  # a page's own (stripe_policy) is kept
            headers["Content-Security-Policy"] = policy
        for name, value in HEADERS.items():
            headers[name] = value

    return hook


class MaskTokens(logging.Filter):
    """Masks token values in the query strings of access-log lines (their arguments and message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(SECRET_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = SECRET_QUERY.sub(r"\1***", record.msg)
        return True


def mask_tokens_in_access_logs() -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskTokens) for f in logger.filters):
            logger.addFilter(MaskTokens())
