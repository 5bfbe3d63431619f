"""The served OpenAPI document says what the service does: one pass over Litestar's generated document.

Litestar documents each handler's own status and a 400 in its own error shape. This pass, run once
when /schema/openapi.json is first asked for, adds per operation every status the app can answer
(all as RFC 9457 problem documents, api/errors.py), the security schemes (session cookie with its
CSRF header, bearer API tokens), which path ids are valid (ASCII digits; api/deps.py `parse_id`),
only the browse filters a kind applies (market/listings specs), the exports' real media types, and
that request bodies refuse unknown fields (market/schemas.py `Body`, forbid_unknown_fields).
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.routes import HTTPRoute

from api.controllers.listings import BROWSE_PARAMETERS
from api.deps import MAX_ID
from api.errors import PROBLEM, TITLES
from api.guards import needs_account
from api.pages.errors import JSON_PREFIXES
from api.security import SESSION_STARTING
from api.sessions import COOKIE
from market.listings import kinds

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ID_PATTERN = f"^[0-9]{{1,{len(str(MAX_ID))}}}$"
NUMERIC_IDS = frozenset({"account_id", "invitation_id", "listing_id", "match_id", "organisation_id", "pledge_id",
                         "search_id", "token_id"})
UUID_IDS = frozenset({"session_id"})
GENERAL_PARAMETERS = BROWSE_PARAMETERS - {"theme", "maturity", "economic_purpose", "org_form", "stance", "need",
                                          "direction", "remote_ok"}
EXPORT_TYPES = {"text/csv": {"type": "string"}, "application/geo+json": {"type": "object"}}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Document d'erreur RFC 9457 ; `field` et `extra` nomment le ou les champs en cause.",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "field": {"type": "string"},
        "extra": {"type": "array", "items": {
            "type": "object", "required": ["key", "message", "source"],
            "properties": {"key": {"type": "string"}, "message": {"type": "string"}, "source": {"type": "string"}},
        }},
    },
}
WHY = {
    400: "Requête invalide : paramètre, champ ou corps refusé (la validation répond 400, jamais 422)",
    401: "Authentification requise, ou jeton d'API inconnu, révoqué ou expiré",
    403: "Action interdite à ce compte, ou jeton CSRF absent ou invalide",
    404: "Introuvable (ou identifiant hors limites)",
    409: "Conflit avec l'état enregistré (transition concurrente, clé déjà prise)",
    413: "Corps de requête trop volumineux",
    415: "Corps de requête d'un autre type que JSON",
    429: "Trop de tentatives : réessayer après Retry-After",
    503: "Base de données indisponible : réessayer après Retry-After",
}
SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": COOKIE,
                "description": "Session ouverte par POST /api/auth/login"},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
             "description": "Avec la session, pour toute écriture : la valeur du cookie « csrftoken »"},
    "bearer": {"type": "http", "scheme": "bearer", "description": "Jeton d'API (POST /api/me/tokens)"},
}


def served(request: Request[Any, Any, Any], generated: dict[str, Any]) -> dict[str, Any]:
    """The honest document, made once per app (kept in its state)."""
    document = request.app.state.get("openapi_document")
    if document is None:
        document = request.app.state["openapi_document"] = honest(request.app, generated)
    return document


class HonestJsonRenderPlugin(JsonRenderPlugin):
    """Serves /schema/openapi.json, made honest."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, served(request, openapi_schema))


class HonestSwaggerRenderPlugin(SwaggerRenderPlugin):
    """The Swagger UI page at /schema embeds the document: the honest one too."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, served(request, openapi_schema))


def _handlers(app: Litestar) -> dict[tuple[str, str], HTTPRouteHandler]:
    found = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in handler.http_methods:
                    found[(method.lower(), route.path_format or "/")] = handler
    return found


def _statuses(method: str, path: str, operation: dict[str, Any], handler: HTTPRouteHandler | None) -> set[int]:
    unsafe = method.upper() in UNSAFE
    identified = handler is not None and "identity" in handler.parsed_fn_signature.parameters
    statuses = {400, 503}
    if unsafe or identified:
        statuses |= {401, 403, 404}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add(404)
    if unsafe:
        statuses.add(409)
    if "requestBody" in operation:
        statuses |= {413, 415}
    if unsafe and path.startswith(SESSION_STARTING):
        statuses.add(429)
    return statuses


def _security(method: str, handler: HTTPRouteHandler | None) -> list[dict[str, list[str]]] | None:
    if handler is None:
        return None
    identified = "identity" in handler.parsed_fn_signature.parameters
    if not identified and (handler.opt.get("anonymous") or method.upper() not in UNSAFE):
        return None
    session: dict[str, list[str]] = {"session": [], "csrf": []} if method.upper() in UNSAFE else {"session": []}
    open_to_all = not needs_account(method.upper(), handler)
    anonymous: list[dict[str, list[str]]] = [{}] if open_to_all else []
    return [*anonymous, {"bearer": []}, session]


def _path_ids(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "path":
            continue
        if parameter["name"] in NUMERIC_IDS:
            parameter["schema"] = {"type": "string", "pattern": ID_PATTERN,
                                   "description": "identifiant : chiffres ASCII (0 à 9)"}
        elif parameter["name"] in UUID_IDS:
            parameter["schema"] = {"type": "string", "format": "uuid"}


def _kind_filters(path: str, operation: dict[str, Any]) -> None:
    resource = path.removeprefix("/api/").removesuffix("/export")
    spec = kinds.BY_RESOURCE.get(resource)
    if spec is None or "/" in resource:
        return
    allowed = GENERAL_PARAMETERS | set(spec.filters)
    operation["parameters"] = [p for p in operation.get("parameters", [])
                               if p.get("in") != "query" or p["name"] in allowed]


def _forbid_unknown_fields(document: dict[str, Any]) -> None:
    schemas = document.get("components", {}).get("schemas", {})
    pending = [media.get("schema", {}) for item in document.get("paths", {}).values() for operation in item.values()
               if isinstance(operation, dict)
               for media in operation.get("requestBody", {}).get("content", {}).values()]
    seen: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen and name in schemas:
                seen.add(name)
                pending.append(schemas[name])
            continue
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
        pending.extend(v for v in node.values() if isinstance(v, dict | list))


def _body_types(handlers: dict[tuple[str, str], HTTPRouteHandler]) -> list[type[msgspec.Struct]]:
    found = []
    for handler in handlers.values():
        data = handler.parsed_fn_signature.parameters.get("data")
        kind = getattr(data, "annotation", None)
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct) and kind not in found:
            found.append(kind)
    return found


def _body_constraints(document: dict[str, Any], handlers: dict[tuple[str, str], HTTPRouteHandler]) -> None:
    """Litestar drops some msgspec Meta constraints (of list items, of optional numbers): the request bodies'
    components are msgspec's own schemas, under the same names."""
    schemas = document["components"]["schemas"]
    _, components = msgspec.json.schema_components(_body_types(handlers), ref_template="#/components/schemas/{name}")
    schemas.update(components)


def honest(app: Litestar, generated: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(generated)
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    page = {"text/html": {"schema": {"type": "string"}}}  # outside the JSON prefixes, errors are pages
    handlers = _handlers(app)
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            handler = handlers.get((method, path))
            responses = operation["responses"]
            for status in sorted(_statuses(method, path, operation, handler)):
                responses[str(status)] = {"description": f"{TITLES[status]} — {WHY[status]}",
                                          "content": problem if path.startswith(JSON_PREFIXES) else page}
            security = _security(method, handler)
            if security is not None:
                operation["security"] = security
            _path_ids(operation)
            _kind_filters(path, operation)
            if path.endswith("/export") and path.removeprefix("/api/").removesuffix("/export") in kinds.BY_RESOURCE:
                for status, response in responses.items():
                    if status.startswith("2"):
                        response["content"] = {media: {"schema": schema} for media, schema in EXPORT_TYPES.items()}
    _body_constraints(document, handlers)
    _forbid_unknown_fields(document)
    return document
