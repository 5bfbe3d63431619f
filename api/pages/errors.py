"""Errors on pages are French HTML pages; everywhere else (the JSON API) they stay problem documents."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException

from api.errors import RETRY_AFTER, TITLES, problem_response
from api.pages.common import render
from market.errors import DomainError, NotFound

JSON_PREFIXES = ("/api/", "/schema", "/health", "/static/")
INTERNAL = "Une erreur interne nous empêche d'afficher cette page. Elle est enregistrée."
# what the API says as a problem (api/errors.py), said on a page
SAID = {
    409: "Cette modification contredit une donnée déjà enregistrée : rechargez la page et réessayez.",
    503: "La base de données ne répond pas : réessayez dans quelques secondes.",
}


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
    else:
        problem = problem_response(request, exc)  # logs what is unexpected, as for the API
        status = problem.status_code if problem.status_code in SAID else 500
        detail = SAID.get(status, INTERNAL)
    response = render("error.html", None, status_code=status, title=TITLES.get(status, "Erreur"), status=status,
                      detail=detail)
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER
    return response
