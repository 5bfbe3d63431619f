"""How alike two listings are, signal by signal (pure functions, no database):

- identifier: the same SIREN or RNA number settles it (1.0); two different SIRENs rule it out (0.0);
- name: compared once lower-cased, without accents, punctuation, articles and legal-form words
  (« Association Épicerie Solidaire Les Résidences » and « Épicerie solidaire des Résidences » are the
  same words). When every word of the shorter name (two words at least) is in the longer one, 1.0
  (« AMAP des Pentes » / « AMAP Les Pentes de la Croix-Rousse »); otherwise rapidfuzz's token sort
  ratio, lowered by a fifth when each name has a word the other lacks – « Épicerie solidaire de
  Héricourt » / « ... de Montbéliard »: two of a kind, not one entered twice;
- distance: 1.0 in the same place, falling to 0 at DISTANCE_KM between the communes;
- description: rapidfuzz's token set ratio of the normalised descriptions.

Without an identifier the score is the weighted mean of the other signals (weights re-spread over the
signals that exist: a support provider has no commune); a pair is a candidate from THRESHOLD on.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

ARTICLES = ("le", "la", "les", "l", "de", "du", "des", "d", "un", "une", "et", "a", "au", "aux", "en", "sur",
            "pour", "par")
LEGAL_FORMS = ("association", "asso", "sas", "sasu", "sarl", "eurl", "sa", "scop", "scic", "coop", "cooperative",
               "sci", "gie", "ess", "eirl", "ei")
STOP_WORDS = frozenset(ARTICLES + LEGAL_FORMS)
WEIGHTS = {"name": 0.55, "distance": 0.15, "description": 0.30}
DISTANCE_KM = 30.0
THRESHOLD = 0.75
SAME_WORD = 85  # rapidfuzz ratio from which two words count as one (« jardins » / « jardin »)
BOTH_EXTRA = 0.8


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    lat: float | None = None
    lon: float | None = None
    siren: str | None = None
    rna: str | None = None


@dataclass(frozen=True)
class Signals:
    identifier: float | None
    name: float
    distance: float | None
    description: float
    score: float

    @property
    def candidate(self) -> bool:
        return self.score >= THRESHOLD


def normalise(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe"))
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", bare)
    return " ".join(w for w in words if w not in STOP_WORDS)


def _identifier(a: Profile, b: Profile) -> float | None:
    if (a.siren and a.siren == b.siren) or (a.rna and a.rna == b.rna):
        return 1.0
    if a.siren and b.siren:
        return 0.0
    return None


def _distance_km(a: Profile, b: Profile) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _extra(words: list[str], other: list[str]) -> list[str]:
    """The words of `words` that no word of `other` resembles."""
    return [w for w in words if not any(fuzz.ratio(w, o) >= SAME_WORD for o in other)]


def name_score(a: str, b: str) -> float:
    wa, wb = normalise(a).split(), normalise(b).split()
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) >= 2 and not _extra(short, long):
        return 1.0
    ratio = fuzz.token_sort_ratio(" ".join(wa), " ".join(wb)) / 100
    return ratio * BOTH_EXTRA if _extra(wa, wb) and _extra(wb, wa) else ratio


def compare(a: Profile, b: Profile) -> Signals:
    identifier = _identifier(a, b)
    name = name_score(a.name, b.name)
    km = _distance_km(a, b)
    distance = None if km is None else max(0.0, 1 - km / DISTANCE_KM)
    description = fuzz.token_set_ratio(normalise(a.description), normalise(b.description)) / 100
    values = {"name": name, "distance": distance, "description": description}
    present = {k: v for k, v in values.items() if v is not None}
    mean = sum(WEIGHTS[k] * v for k, v in present.items()) / sum(WEIGHTS[k] for k in present)
    score = identifier if identifier is not None else mean
    return Signals(identifier, round(name, 3), None if distance is None else round(distance, 3),
                   round(description, 3), round(score, 3))
