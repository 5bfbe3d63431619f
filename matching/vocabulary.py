"""The controlled codes (`vocabulary.json`, the project's copy of the shared spec), read once.

The matching engine and the domain both use them; the domain (`market.vocabulary`) adds the
types and lists that only the service needs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RAW: dict[str, Any] = json.loads((Path(__file__).parent / "vocabulary.json").read_text(encoding="utf-8"))

LISTS = ("maturity", "economic_purpose", "org_form", "stance", "theme", "need")
LABELS: dict[str, dict[str, str]] = {name: dict(RAW[name]) for name in LISTS}
SKILLS: tuple[str, ...] = tuple(RAW["skills"])
MATURITY_ORDER: tuple[str, ...] = tuple(LABELS["maturity"])


def short_label(list_name: str, code: str) -> str:
    """The label before its explanation: "Locaux, terrain, lieu", "Émergence", "CONTRE"."""
    text = LABELS[list_name][code]
    for separator in (" : ", " ("):
        text = text.split(separator)[0]
    return text
