"""One line of an import file turned into the body the API takes: each cell read by its column's
shape (numbers, oui/non, lists separated by `|`, dates), coded fields by their code or their French
label, whole or without its explanation (« Association loi 1901 », case and accents ignored). What a
cell cannot be read as is an error naming its column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from market.imports.columns import LIST_SEPARATOR, Column
from matching.text import simplify

TRUE = frozenset({"oui", "o", "vrai", "true", "1", "x"})
FALSE = frozenset({"non", "n", "faux", "false", "0"})
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class CellError:
    column: str
    value: str
    reason: str


class Unreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def short_label(label: str) -> str:
    """A label without its explanation: « Lancement / expérimentation », « Association loi 1901 »."""
    return label.split(" : ")[0].split(" (")[0].strip()


def _code(column: Column, text: str) -> str:
    vocabulary = column.vocabulary or {}
    if text in vocabulary:
        return text
    wanted = simplify(text)
    for code, label in vocabulary.items():
        if wanted in (simplify(label), simplify(short_label(label)), simplify(code)):
            return code
    shown = ", ".join(f"{code} ({label})" for code, label in list(vocabulary.items())[:12])
    raise Unreadable(f"code ou libellé inconnu : « {text} » (possibles : {shown}"
                     f"{'…' if len(vocabulary) > 12 else ''})")


def _one(column: Column, text: str) -> Any:
    if column.vocabulary is not None:
        return _code(column, text)
    return text


def value_of(column: Column, text: str) -> Any:
    """The cell as the body's value; raises Unreadable with the French reason."""
    if column.shape == "list":
        return [_one(column, part.strip()) for part in text.split(LIST_SEPARATOR) if part.strip()]
    if column.shape == "int":
        digits = text.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if not digits.isdigit():
            raise Unreadable("nombre entier attendu (chiffres seulement)")
        return int(digits)
    if column.shape == "bool":
        folded = text.lower()
        if folded in TRUE:
            return True
        if folded in FALSE:
            return False
        raise Unreadable("oui ou non attendu")
    if column.shape == "date":
        french = _FRENCH_DATE.match(text)
        return f"{french.group(3)}-{int(french.group(2)):02d}-{int(french.group(1)):02d}" if french else text
    return _one(column, text)


def body_of(columns: list[Column], cells: dict[str, str]) -> tuple[dict[str, Any], list[CellError]]:
    """The body from the line's filled cells (an empty cell is a field not sent) and the cells that
    could not be read."""
    body: dict[str, Any] = {}
    errors: list[CellError] = []
    for column in columns:
        text = cells.get(column.name, "").strip()
        if not text or column.name == "id":
            continue
        try:
            value = value_of(column, text)
        except Unreadable as exc:
            errors.append(CellError(column.name, text, exc.reason))
            continue
        target = body
        for name in column.path[:-1]:
            target = target.setdefault(name, {})
        target[column.path[-1]] = value
    return body, errors
