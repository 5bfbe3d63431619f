"""Signed one-click unsubscribe tokens: `<subscriber>.<kind>.<hmac>`, checked with SECRET_KEY
(no table to look up, nothing to expire: the link keeps working, and only turns emails off)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from market.config import Settings
from market.errors import InvalidField


def _signature(settings: Settings, subscriber: str, kind: str) -> str:
    digest = hmac.new(settings.secret_key.encode(), f"unsubscribe:{subscriber}:{kind}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode()


def make(settings: Settings, subscriber: str, kind: str) -> str:
    return f"{subscriber}.{kind}.{_signature(settings, subscriber, kind)}"


def read(settings: Settings, token: str) -> tuple[str, str]:
    """(subscriber, kind) of a genuine token; a 400 naming `token` otherwise."""
    subscriber, _, rest = token.partition(".")
    kind, _, signature = rest.partition(".")
    if not signature or not hmac.compare_digest(signature, _signature(settings, subscriber, kind)):
        raise InvalidField("lien de désabonnement invalide", field="token", source="query")
    return subscriber, kind
