"""What a takeover opportunity offers, read from its direction and its text, so that its
relevance rests on the initiative's needs it answers, not on a shared theme.

Every opportunity answers "takeover" (the need reads "reprise ou portage de l'activité par un
acteur économique existant"); a handover also brings premises when its text hands over a place
(a lease, a shop, a building: not a taxi licence or a firm's order book); a carrier also brings
a legal host (a status, a bank account, an insurance, a convention: "structuration juridique"),
premises when it lends a room or a local, and funding when it carries the costs.
`opportunity.json` holds the words of each.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from matching.skills import compile_terms, mentions
from matching.types import Initiative, Takeover

# A legal host lends its legal personality: that structures only a group that has none yet.
LEGAL_HOST_FOR = "informal_collective"
_CUES = json.loads((Path(__file__).parent / "opportunity.json").read_text(encoding="utf-8"))
CUES = {direction: {need: compile_terms(terms) for need, terms in needs.items()}
        for direction, needs in _CUES.items() if not direction.startswith("_")}
# look-alike phrases: "comité local", "ESS du bâtiment" name no place
NOT = compile_terms(_CUES["_not"])


@lru_cache(maxsize=100_000)
def _offered(direction: str, text: str) -> tuple[str, ...]:
    found = ["takeover"]
    for need, terms in CUES.get(direction, {}).items():
        if mentions(text, terms, NOT):
            found.append(need)
    return tuple(found)


def takeover_offers(takeover: Takeover) -> tuple[str, ...]:
    """The need codes the opportunity answers: "takeover", then what its text offers."""
    return _offered(takeover.direction, f"{takeover.title}. {takeover.description}")


def answers(takeover: Takeover, ini: Initiative) -> tuple[str, ...]:
    """What the opportunity offers that can serve this initiative (a carrier's legal hosting
    only serves an informal collective)."""
    offered = takeover_offers(takeover)
    if takeover.direction == "carrier" and ini.org_form != LEGAL_HOST_FOR:
        return tuple(n for n in offered if n != "legal_structuring")
    return offered
