"""The listing forms of the web client, described once per kind (api/pages/listing_forms.py) and read,
filled and rendered by the same code: the form's values become the JSON API's body, and a listing
becomes the form's values again for an edit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from api.pages.common import REQUIRED, cents, options, whole

# text, email, textarea, number and date are typed as they are; select and checks take codes from a
# vocabulary; commune is a code with the autocomplete; words is a comma-separated list (skills,
# department codes); flag is one checkbox; euros is an amount in euros sent as cents.
Widget = Literal["text", "email", "textarea", "number", "date", "select", "checks", "commune", "words", "flag",
                 "euros"]


@dataclass(frozen=True)
class Field:
    name: str  # as the JSON API names it, dotted when nested: `contact.email`, `area.departments`
    label: str
    widget: Widget = "text"
    vocabulary: str | None = None  # for select and checks: a list of market.vocabulary (or `direction`)
    required: bool = False
    hint: str | None = None
    group: str | None = None  # fields of one group share a fieldset with this legend
    autocomplete: str | None = None
    sent_as: str | None = None  # the body's name when it differs (euros -> `funding_goal_cents`)
    ordered: bool = False  # checks whose order matters (needs by importance): the chosen ones come first

    def choices(self, chosen: list[str]) -> list[dict[str, str]]:
        """The vocabulary's options; for ordered checks, the chosen ones first and in their order, so
        that the browser sends them back in that order."""
        found = options(self.vocabulary or "")
        if self.ordered:
            found.sort(key=lambda o: chosen.index(o["code"]) if o["code"] in chosen else len(chosen))
        return found

    @property
    def body_name(self) -> str:
        return self.sent_as or self.name


@dataclass(frozen=True)
class ListingForm:
    new_title: str
    edit_title: str
    fields: tuple[Field, ...]
    # errors the services name by a field the form does not show by that name
    error_aliases: dict[str, str] = field(default_factory=dict)
    initial: dict[str, str] = field(default_factory=dict)  # a new form's values

    def sections(self) -> list[tuple[str | None, list[Field]]]:
        """Consecutive fields of one group, in order: what the template draws as fieldsets."""
        found: list[tuple[str | None, list[Field]]] = []
        for item in self.fields:
            if found and item.group is not None and found[-1][0] == item.group:
                found[-1][1].append(item)
            else:
                found.append((item.group, [item]))
        return found

    def body(self, values: dict[str, str], lists: dict[str, list[str]], *, editing: bool) -> dict[str, Any]:
        """The JSON API's body from what was typed: values the schema refuses stay as typed, for it to
        name the field. An empty optional field is left out of a creation and cleared by an edit."""
        body: dict[str, Any] = {}
        for item in self.fields:
            value = _read(item, values, lists)
            if value is None and not editing:
                continue
            _put(body, item.body_name, value)
        return body

    def missing(self, values: dict[str, str], lists: dict[str, list[str]]) -> dict[str, str]:
        """The required fields left empty, all at once (the schema would name the first one only, and an
        edit could not tell an emptied field from one not sent)."""
        return {item.name: REQUIRED for item in self.fields
                if item.required and not (lists.get(item.name) if item.widget == "checks" else values.get(item.name))}

    def values(self, listing: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
        """The form's values for a listing as the JSON API shows it (an edit starts from them)."""
        single: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for item in self.fields:
            value = _get(listing, item.body_name)
            if item.widget == "checks":
                lists[item.name] = list(value or [])
            elif item.widget == "words":
                single[item.name] = ", ".join(value or [])
            elif item.widget == "flag":
                single[item.name] = "oui" if value else ""
            elif item.widget == "euros":
                single[item.name] = "" if value is None else f"{value / 100:g}"
            else:
                single[item.name] = "" if value is None else str(value)
        return single, lists

    def errors(self, found: dict[str, str]) -> dict[str, str]:
        names = {item.body_name: item.name for item in self.fields} | self.error_aliases
        unindexed = {re.sub(r"\[\d+\]$", "", key): message for key, message in found.items()}  # `area.communes[1]`
        return {names.get(key, key): message for key, message in unindexed.items()}


def _read(item: Field, values: dict[str, str], lists: dict[str, list[str]]) -> Any:
    text = values.get(item.name, "")
    if item.widget == "checks":
        return lists.get(item.name, [])
    if item.widget == "words":
        return [word.strip() for word in text.split(",") if word.strip()]
    if item.widget == "flag":
        return text == "oui"
    if not text:
        return "" if item.required else None
    if item.widget == "number":
        return whole(text)
    if item.widget == "euros":
        return cents(text)
    return text


def _put(body: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for name in parents:
        body = body.setdefault(name, {})
    body[last] = value


def _get(listing: dict[str, Any], dotted: str) -> Any:
    value: Any = listing
    for name in dotted.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value
