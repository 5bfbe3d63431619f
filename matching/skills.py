"""Normalise free-text skills ("tenue de la compta", "CM") to the skills taxonomy."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from matching.text import simplify

# Abbreviations and trade words people type, mapped to the taxonomy label they mean.
ALIASES: dict[str, str] = {
    "compta": "comptabilité",
    "comptable": "comptabilité",
    "cm": "réseaux sociaux",
    "community management": "réseaux sociaux",
    "community manager": "réseaux sociaux",
    "rp": "relations presse",
    "rh": "ressources humaines",
    "web": "développement web",
    "haccp": "hygiène alimentaire",
    "pv": "photovoltaïque",
    "solaire": "photovoltaïque",
    "velo": "mécanique vélo",
    "cycles": "mécanique vélo",
    "budget": "gestion financière",
    "fiscalite": "fiscalité associative",
    "subventions": "recherche de financements",
    "excel": "données et tableurs",
    "tournees": "logistique",
    "stocks": "logistique",
    "bilan carbone": "évaluation d'impact",
    "animation": "animation d'ateliers",
}
THRESHOLD = 80


@dataclass(frozen=True)
class NormalisedSkill:
    text: str
    skill: str | None
    score: int


def normalise_skill(text: str, taxonomy: tuple[str, ...]) -> NormalisedSkill:
    """The closest taxonomy label for a free-text skill, or None when nothing is close enough."""
    query = simplify(text)
    if not query:
        return NormalisedSkill(text, None, 0)
    choices = {simplify(label): label for label in taxonomy}
    found = process.extractOne(query, list(choices), scorer=fuzz.token_set_ratio)
    best_label, best_score = (choices[found[0]], found[1]) if found else (None, 0.0)
    for alias, label in ALIASES.items():
        if alias in query.split() or (" " in alias and alias in query):
            alias_score = 90.0
            if alias_score > best_score:
                best_label, best_score = label, alias_score
    if best_score < THRESHOLD:
        return NormalisedSkill(text, None, round(best_score))
    return NormalisedSkill(text, best_label, round(best_score))
