"""What every page shares: the kinds as the web client names them, the vocabulary as choices, the
render helper and the reading of a form's errors from the same errors the JSON API gives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request
from litestar.response import Redirect, Template

from api.errors import field_error
from market.access import Identity
from market.errors import DomainError
from market.listings import kinds
from market.listings.spec import KindSpec
from market.vocabulary import LABELS, LISTS, TAKEOVER_DIRECTIONS


@dataclass(frozen=True)
class WebKind:
    spec: KindSpec
    path: str  # /initiatives, /accompagnement...
    plural: str
    singular: str


WEB_KINDS = (
    WebKind(kinds.KINDS["initiative"], "initiatives", "Initiatives", "initiative"),
    WebKind(kinds.KINDS["support_provider"], "accompagnement", "Accompagnement", "structure d'accompagnement"),
    WebKind(kinds.KINDS["takeover"], "reprises", "Reprises d'activité", "reprise d'activité"),
    WebKind(kinds.KINDS["volunteer_offer"], "mecenat", "Mécénat de compétences", "offre de mécénat"),
)
BY_PATH = {k.path: k for k in WEB_KINDS}
BY_KIND = {k.spec.kind: k for k in WEB_KINDS}


def options(list_name: str) -> list[dict[str, str]]:
    if list_name == "direction":
        return [{"code": c, "label": t} for c, t in TAKEOVER_DIRECTIONS.items()]
    return [{"code": c, "label": t} for c, t in LABELS[list_name].items()]


def label(list_name: str, code: str | None) -> str:
    if code is None:
        return ""
    if list_name == "direction":
        return TAKEOVER_DIRECTIONS.get(code, code)
    return LABELS.get(list_name, {}).get(code, code)


VOCABULARY = {name: options(name) for name in LISTS}


def render(template: str, identity: Identity | None, status_code: int = 200, background: Any = None,
           **context: Any) -> Template:
    return Template(template_name=template, status_code=status_code, background=background,
                    context={"identity": identity, "kinds": WEB_KINDS, "label": label, **context})


def see_other(path: str) -> Redirect:
    """After a successful form post: the browser loads the next page with a GET (no resubmission)."""
    return Redirect(path=path, status_code=303)


REQUIRED = "ce champ est obligatoire"


def log_in_first(path: str) -> Redirect:
    """A page for signed-in people only: the login page, which comes back here."""
    return see_other(f"/connexion?suite={path}")


def form_errors(exc: Exception) -> dict[str, str]:
    """The field at fault and its French message, as the JSON API's problem document would name it."""
    if isinstance(exc, DomainError):
        return {exc.field or "formulaire": exc.detail}
    if isinstance(exc, msgspec.ValidationError):
        found = field_error(str(exc), None, "body")  # named as the JSON API names it: `contact.email`
        field = re.sub(r"\[\d+\]$", "", found["key"])  # `themes[0]`: the form has one field of checkboxes
        field = "formulaire" if field == "body" else field
        if "missing required field" in str(exc):
            return {field: REQUIRED}
        return {field: found["message"]}
    raise exc


def cents(euros: str) -> int | str:
    """An amount typed in euros (« 12,50 ») as cents; anything else as typed, for the schema to refuse."""
    text = euros.replace(",", ".")
    return round(float(text) * 100) if text.replace(".", "", 1).isdigit() else euros


def whole(text: str) -> int | str:
    """A whole number typed in a form; anything else as typed, for the schema to refuse."""
    return int(text) if text.isdigit() else text


async def form_values(request: Request[Any, Any, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The form's single values (trimmed) and its repeated ones (checkboxes)."""
    form = await request.form()
    single = {k: str(v).strip() for k, v in form.items() if k != "_csrf_token"}
    lists = {k: [str(v) for v in form.getall(k)] for k in form}
    return single, lists
