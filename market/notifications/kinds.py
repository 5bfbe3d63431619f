"""The kinds of match event people are told about, and the ways they may want them."""

from __future__ import annotations

from typing import Literal

EventKind = Literal["interest", "accepted", "declined", "partnership", "new_initiative"]
Mode = Literal["immediate", "daily", "none"]

# new_initiative: a reverse alert (a newly published initiative matches one's offer); the job that
# sends them runs once a day, so for it `daily` and `immediate` are the same
EVENT_KINDS: tuple[EventKind, ...] = ("interest", "accepted", "declined", "partnership", "new_initiative")
MODES: tuple[Mode, ...] = ("immediate", "daily", "none")
DEFAULT_MODE: Mode = "immediate"
# the match status a move goes to -> the kind of event it is for the other party
BY_STATUS: dict[str, EventKind] = {"contacted": "interest", "in_discussion": "accepted", "declined": "declined",
                                   "partnership": "partnership"}
KIND_LABELS: dict[EventKind, str] = {
    "interest": "intérêt manifesté",
    "accepted": "mise en relation acceptée",
    "declined": "rapprochement décliné",
    "partnership": "partenariat",
    "new_initiative": "nouvelle initiative qui correspond à votre offre",
}
MODE_LABELS: dict[Mode, str] = {"immediate": "email immédiat", "daily": "résumé quotidien", "none": "aucun email"}
