"""Emails from templates (`templates/<name>.txt` and `.html`, French), with their links made absolute
from PUBLIC_URL and a one-click unsubscribe (RFC 8058 `List-Unsubscribe` + `List-Unsubscribe-Post`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from market.config import Settings
from market.notifications import tokens
from market.notifications.kinds import KIND_LABELS

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
SUBJECTS = {
    "match_event": "{label} : {own}",
    "match_unclaimed": "Votre annonce « {own} » intéresse quelqu'un sur la bourse aux initiatives",
    "digest": "Votre résumé du jour : {count} nouvelle(s) sur vos mises en relation",
    "search_confirm": "Confirmez votre alerte de la bourse aux initiatives",
    "search_digest": "{count} nouvelle(s) annonce(s) pour votre recherche",
    "reverse_alert": "Une nouvelle initiative correspond à « {own} »",
    "freshness_ask": "Votre annonce « {own} » est-elle toujours d'actualité ?",
}


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def unsubscribe_url(settings: Settings, subscriber: str, kind: str) -> str:
    return f"{settings.public_url}/notifications/desabonnement?token={tokens.make(settings, subscriber, kind)}"


def render(settings: Settings, template: str, context: dict[str, Any]) -> Email:
    # a digest's unsubscribe turns the digest off (every kind); a single event's, that kind only
    kind = context.get("kind", "all")
    unsubscribe = unsubscribe_url(settings, context["subscriber"], kind)
    values = {**context, "site": settings.public_url, "unsubscribe": unsubscribe,
              "label": KIND_LABELS.get(kind, ""), "preferences": f"{settings.public_url}/mes-mises-en-relation"}
    subject = SUBJECTS[template].format(label=values["label"].capitalize(), own=context.get("own", ""),
                                        count=len(context.get("items", [])))
    return Email(
        subject=subject,
        text=_ENV.get_template(f"{template}.txt").render(values),
        html=_ENV.get_template(f"{template}.html").render(values),
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
