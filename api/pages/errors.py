"""Errors on pages are French HTML pages; everywhere else (the JSON API) they stay problem documents."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException

from api.errors import RETRY_AFTER, TITLES, database_unavailable, problem_response
from api.pages.common import render
from market.errors import DomainError, NotFound

JSON_PREFIXES = ("/api/", "/schema", "/health", "/static/")


def is_page(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith(JSON_PREFIXES)


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if not is_page(request):
        return problem_response(request, exc)
    if isinstance(exc, NotFound | NotFoundException):
        status, detail = 404, "Cette page n'existe pas, ou plus."
    elif isinstance(exc, DomainError):
        status, detail = exc.status_code, exc.detail
    elif isinstance(exc, HTTPException) and exc.status_code < 500:
        status, detail = exc.status_code, TITLES.get(exc.status_code, "Erreur")
    elif database_unavailable(exc):
        problem_response(request, exc)  # logged as for the API
        response = render("error.html", None, status_code=503, title=TITLES[503], status=503,
                          detail="La base de données ne répond pas : réessayez dans quelques secondes.")
        response.headers["Retry-After"] = RETRY_AFTER
        return response
    else:
        problem_response(request, exc)  # logs what is unexpected, as for the API
        status, detail = 500, "Une erreur interne nous empêche d'afficher cette page. Elle est enregistrée."
    return render("error.html", None, status_code=status, title=TITLES.get(status, "Erreur"), status=status,
                  detail=detail)
