"""The one place where errors become RFC 9457 problem documents."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DBAPIError, IntegrityError

from market.availability import database_unavailable
from market.errors import DomainError

log = logging.getLogger("bourse.errors")
PROBLEM = "application/problem+json"
TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Action interdite",
    404: "Introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    429: "Trop de requêtes",
    500: "Erreur interne",
    503: "Service indisponible",
}
# msgspec/Litestar messages, said in French.
_TYPES = {"bool": "vrai ou faux (true ou false)", "int": "un nombre entier", "float": "un nombre",
          "str": "un texte", "array": "une liste", "object": "un objet"}


def _expected(match: re.Match[str]) -> str:
    wanted = [_TYPES.get(name.strip()) for name in match.group(1).split("|") if name.strip() != "null"]
    if wanted and all(wanted):
        return f"doit être {' ou '.join(w for w in wanted if w)}"
    return f"type attendu : {match.group(1)}, reçu : {match.group(2)}"


_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^'data'$"), "corps de la requête manquant : un objet JSON est attendu"),
    (re.compile(r"^CSRF token verification failed$"),
     "jeton CSRF absent ou invalide : renvoyez la valeur du cookie « csrftoken » dans l'en-tête X-CSRFToken "
     "(ou utilisez un jeton d'API : Authorization: Bearer …)"),
    (re.compile(r"Expected `([^`]+)`, got `([^`]+)`"), _expected),
    (re.compile(r"Invalid enum value '(.*)'"), r"code inconnu : « \1 »"),
    (re.compile(r"Object contains unknown field `(.+)`"), r"champ inconnu : « \1 »"),
    (re.compile(r"Object missing required field `(.+)`"), r"champ obligatoire manquant : « \1 »"),
    (re.compile(r"Expected `(\w+)` of length <= (\d+)"), r"trop long (au plus \2)"),
    (re.compile(r"Expected `(\w+)` of length >= (\d+)"), r"trop court (au moins \2)"),
    (re.compile(r"Expected `(\w+)` matching regex '(.*)'"), r"format invalide"),
    (re.compile(r"Expected `(\w+)` <= (\S+)"), r"valeur trop grande (au plus \2)"),
    (re.compile(r"Expected `(\w+)` >= (\S+)"), r"valeur trop petite (au moins \2)"),
    (re.compile(r"Invalid RFC3339 encoded (date|datetime)"), r"date invalide (AAAA-MM-JJ attendu)"),
    (re.compile(r"(?i)(json is malformed|malformed json|invalid json|invalid utf-8|unexpected character|"
                r"input data was truncated|trailing characters).*"), r"JSON mal formé ou non UTF-8"),
]
_PATH = re.compile(r" - at `\$\.?([^`]*)`")
_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")
_MISSING_PARAMETER = re.compile(r"Missing required (\w+) parameter '([^']+)'")


def _french(message: str) -> str:
    for pattern, replacement in _MESSAGES:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message


def _join(parent: str, child: str) -> str:
    if parent and child:
        return f"{parent}{'' if child.startswith('[') else '.'}{child}"
    return parent or child


def field_error(message: str, key: str | None, source: str) -> dict[str, Any]:
    """Name the field at fault from Litestar's key and msgspec's path: `contact.email`, `themes[0]`."""
    field = key if key not in (None, "body", "data") else ""
    at = _PATH.search(message)
    if at:
        message = _PATH.sub("", message)
        field = _join(field, at.group(1))
    missing = _MISSING_PARAMETER.search(message)
    if missing:  # a required query (header, cookie) parameter was not sent
        return {"key": missing.group(2), "message": "paramètre obligatoire manquant", "source": missing.group(1)}
    named = _NAMED_FIELD.search(message)
    if named:
        field = _join(field, named.group(1))
    return {"key": field or "body", "message": _french(message), "source": source}


def _field_errors(exc: ValidationException) -> list[dict[str, Any]]:
    errors = [
        field_error(str(item.get("message", "")), item.get("key"), item.get("source") or "body")
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    return errors or [field_error(str(exc.detail), None, "body")]


def problem(request: Request, status: int, detail: str, *, field: str | None = None,
            extra: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if field:
        body["field"] = field
    if extra:
        body["extra"] = extra
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def problem_response(request: Request, exc: Exception) -> Response:
    """Map any exception to a problem document; unexpected ones are logged and become 500."""
    if isinstance(exc, DomainError):
        extra = [{"key": exc.field, "message": exc.detail, "source": exc.source}] if exc.field else None
        detail = f"« {exc.field} » : {exc.detail}" if exc.field else exc.detail
        return problem(request, exc.status_code, detail, field=exc.field, extra=extra, headers=exc.headers)
    if isinstance(exc, ValidationException):
        errors = _field_errors(exc)
        first = errors[0]
        return problem(request, 400, f"« {first['key']} » : {first['message']}", field=first["key"], extra=errors)
    if isinstance(exc, UnicodeDecodeError):
        return problem(request, 400, "« body » : le corps de la requête doit être du JSON encodé en UTF-8",
                       field="body", extra=[{"key": "body", "message": "encodage non UTF-8", "source": "body"}])
    if isinstance(exc, HTTPException):
        detail = exc.detail if exc.status_code < 500 else TITLES.get(exc.status_code, "Erreur")
        if exc.status_code == 400:
            message = _french(str(detail))
            return problem(request, 400, f"« body » : {message}", field="body",
                           extra=[{"key": "body", "message": message, "source": "body"}])
        return problem(request, exc.status_code, _french(str(detail)), headers=exc.headers)
    if isinstance(exc, IntegrityError):
        return problem(request, 409, "la modification contredit une donnée déjà enregistrée")
    if database_unavailable(exc):
        cause = type(exc.orig if isinstance(exc, DBAPIError) else exc).__name__
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, cause)
        return problem(request, 503, "la base de données ne répond pas : réessayez dans quelques secondes",
                       headers={"Retry-After": RETRY_AFTER})
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(request, 500, "erreur interne : l'incident est enregistré")


RETRY_AFTER = "5"
