"""Checks every request passes before its handler (and before Litestar parses its body): a path
with a NUL names nothing (404); a body declared of another type than JSON is refused (415); a
JSON body is at most MAX_DEPTH levels deep (400: deeper ones exhaust the decoder's recursion) and
its strings hold no NUL character (400 naming the field: PostgreSQL cannot store one)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request

from market.errors import DomainError, InvalidField, NotFound

MAX_DEPTH = 32
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnsupportedMediaType(DomainError):
    status_code = 415


async def guard_request(request: Request) -> None:
    if "\x00" in request.url.path:
        raise NotFound("aucune ressource à cette adresse")
    if request.method not in WITH_BODY:
        return
    if request.content_type[0].lower() == "multipart/form-data" and not request.url.path.startswith("/api/"):
        return  # a page's file upload (the CSRF check has already read and parsed it): its page checks the file
    body = await request.body()
    if not body.strip():
        return
    media_type = request.content_type[0].lower()
    if media_type in FORMS and not request.url.path.startswith("/api/"):  # the web client's pages post forms
        if b"\x00" in body or b"%00" in body:
            raise InvalidField("caractère nul interdit dans un champ du formulaire", field="formulaire")
        return
    if media_type and not (media_type == "application/json" or media_type.endswith("+json")):
        raise UnsupportedMediaType(  # without a Content-Type the body is read as JSON, as it always was
            f"le corps de la requête doit être du JSON (Content-Type: application/json), reçu : {media_type}",
            field="Content-Type", source="header",
        )
    if json_depth(body) > MAX_DEPTH:
        raise InvalidField(f"JSON trop imbriqué (au plus {MAX_DEPTH} niveaux)", field="body")
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return  # the handler's own decoding says what is wrong
    where = nul_at(decoded)
    if where is not None:
        raise InvalidField("caractère nul (\\u0000) interdit dans un texte", field=where or "body")


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest, strings left out (they may hold brackets)."""
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def nul_at(value: Any, path: str = "") -> str | None:
    """The path (`contact.name`, `themes[1]`) of the first string or key holding a NUL, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                return child.replace("\x00", "\\u0000")
            found = nul_at(item, child)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_at(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None
