"""Live events in French for the home page's feed (api/static/js/feed.js says the same for the events
that arrive while the page is open)."""

from __future__ import annotations

from typing import Any

from api.pages.common import BY_KIND
from market.matches.workflow import STATE_LABELS as MATCH_LABELS
from market.moderation.workflow import STATE_LABELS as LISTING_LABELS


def _path(listing: dict[str, Any]) -> str:
    return f"/{BY_KIND[listing['listing_kind']].path}/{listing['listing_id']}"


def _euros(cents: int) -> str:
    return f"{cents / 100:.2f}".replace(".", ",") + " €"


def describe(item: dict[str, Any]) -> dict[str, Any]:
    """{id, at, text, link} of one event as `market.live.events.public` gives it."""
    kind = item["kind"]
    if kind == "listing_published":
        where = f" ({item['department']})" if item.get("department") else ""
        text = f"Nouvelle {BY_KIND[item['listing_kind']].singular} : « {item['title']} »{where}"
        link = _path(item)
    elif kind == "partnership":
        text = f"Partenariat entre « {item['initiative']['title']} » et « {item['candidate']['title']} »"
        link = _path(item["initiative"])
    elif kind == "pledge_settled":
        amount = f"Un don de {_euros(item['amount_cents'])}" if item.get("amount_cents") else "Un don"
        text = f"{amount} pour « {item['title']} »"
        link = _path(item)
    elif kind == "listing_moderated":
        text = f"Votre annonce « {item['title']} » est {LISTING_LABELS[item['to_status']]}"
        link = _path(item)
    else:  # match_moved
        text = (f"Mise en relation « {item['initiative']['title']} » – « {item['candidate']['title']} » : "
                f"{MATCH_LABELS.get(item['to_status'], item['to_status'])}")
        link = f"/mes-mises-en-relation#rapprochement-{item['match_id']}"
    return {"id": item["id"], "at": item.get("at"), "text": text, "link": link}
