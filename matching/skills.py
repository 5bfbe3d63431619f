"""Free-text skills ("tenue de la compta", "CM", "répa vélo / mécanique cycles") read through the
skills taxonomy, so that two people who write the same skill differently still meet.

A text is split into parts ("répa vélo / mécanique cycles" -> two), each part is matched with
rapidfuzz against the taxonomy labels and against a table of the abbreviations and trade words
people type; a text may name several skills. Two skill texts match when they share a taxonomy
skill, or when they are close as texts themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from matching.text import simplify
from matching.vocabulary import SKILLS

# Words and abbreviations people type, folded, mapped to the taxonomy skills they mean. A key
# matches a whole word or a run of whole words of the text; keys ending in "*" match a prefix.
ALIASES: dict[str, tuple[str, ...]] = {
    "compta*": ("comptabilité",),
    "comptable*": ("comptabilité",),
    "revision des comptes": ("comptabilité",),
    "paie": ("ressources humaines",),
    "budget*": ("gestion financière",),
    "previsionnel*": ("gestion financiere",),
    "treso*": ("gestion financière",),
    "finance": ("gestion financière",),
    "financier*": ("gestion financière",),
    "compta analytique": ("contrôle de gestion",),
    "cout de revient": ("contrôle de gestion",),
    "tarification": ("contrôle de gestion",),
    "pricing": ("contrôle de gestion",),
    "tableaux de bord": ("contrôle de gestion", "données et tableurs"),
    "fiscal*": ("fiscalité associative",),
    "statuts": ("droit des associations",),
    "scic": ("droit des sociétés coopératives",),
    "scop": ("droit des sociétés coopératives",),
    "cooperative*": ("droit des sociétés coopératives",),
    "sas citoyenne": ("droit des sociétés coopératives",),
    "montage juridique": ("droit des sociétés coopératives",),
    "esus": ("droit des sociétés coopératives",),
    "rh": ("ressources humaines",),
    "sourcing": ("recrutement",),
    "fiche de poste": ("recrutement",),
    "onboarding": ("recrutement",),
    "benevoles": ("recrutement",),
    "planning": ("gestion de projet",),
    "market sizing": ("étude de marché",),
    "gisement*": ("étude de marché",),
    "bp": ("business plan",),
    "modele economique": ("business plan", "stratégie"),
    "subvention*": ("recherche de financements",),
    "dossier de candidature": ("recherche de financements", "rédaction"),
    "dossier de pret": ("levée de fonds",),
    "pret*": ("levée de fonds",),
    "crowdfunding": ("levée de fonds",),
    "financement participatif": ("levée de fonds",),
    "montage financier": ("levée de fonds", "gestion financière"),
    "com": ("communication digitale",),
    "digital*": ("communication digitale",),
    "cm": ("réseaux sociaux",),
    "community*": ("réseaux sociaux",),
    "social ads": ("réseaux sociaux",),
    "growth*": ("communication digitale",),
    "emailing": ("communication digitale",),
    "marketing": ("communication digitale",),
    "seo": ("site internet", "communication digitale"),
    "sea": ("communication digitale",),
    "referencement*": ("site internet", "communication digitale"),
    "google business": ("communication digitale",),
    "identite visuelle": ("graphisme",),
    "pao": ("graphisme",),
    "print": ("graphisme",),
    "note de position": ("rédaction", "relations presse"),
    "rp": ("relations presse",),
    "presse": ("relations presse",),
    "communiques": ("relations presse",),
    "media training": ("relations presse",),
    "plaidoyer": ("relations presse",),
    "public affairs": ("relations presse",),
    "montage video": ("vidéo",),
    "motion design": ("vidéo",),
    "dev": ("développement web",),
    "appli*": ("développement web",),
    "mobile": ("développement web",),
    "react*": ("développement web",),
    "pwa": ("développement web",),
    "api": ("développement web",),
    "back office": ("développement web",),
    "logiciel*": ("développement web",),
    "ux": ("développement web",),
    "web": ("site internet",),
    "data": ("données et tableurs",),
    "excel": ("données et tableurs",),
    "dataviz": ("données et tableurs",),
    "dashboards": ("données et tableurs",),
    "stats": ("données et tableurs",),
    "statistique*": ("données et tableurs",),
    "capteurs": ("données et tableurs",),
    "series temporelles": ("données et tableurs",),
    "it": ("informatique bureautique",),
    "tournees": ("logistique",),
    "stock*": ("logistique",),
    "entrepot": ("logistique",),
    "flotte": ("logistique",),
    "collecte": ("logistique",),
    "reverse logistics": ("logistique",),
    "manutention": ("logistique",),
    "supply chain": ("chaîne d'approvisionnement",),
    "approvisionnement": ("chaîne d'approvisionnement",),
    "fournisseurs": ("achats",),
    "negociation": ("achats", "vente"),
    "demarchage": ("vente",),
    "commerciale*": ("vente",),
    "marchandisage": ("commerce de détail",),
    "merchandising": ("commerce de détail",),
    "reunions publiques": ("animation d'ateliers",),
    "animation*": ("animation d'ateliers",),
    "ateliers": ("animation d'ateliers",),
    "intelligence collective": ("facilitation",),
    "gestion de conflits": ("médiation",),
    "cnv": ("médiation",),
    "qualiopi": ("formation",),
    "rnq": ("formation",),
    "ingenierie de formation": ("formation",),
    "ingenierie pedagogique": ("formation", "pédagogie"),
    "inge de formation": ("formation",),
    "pedagogique": ("pédagogie",),
    "ecole": ("pédagogie",),
    "production culinaire": ("cuisine collective",),
    "restauration": ("cuisine collective",),
    "haccp": ("hygiène alimentaire",),
    "pms": ("hygiène alimentaire",),
    "elec": ("électricité",),
    "electrique": ("électricité",),
    "thermographie": ("rénovation énergétique",),
    "renovation*": ("rénovation énergétique",),
    "dpe": ("rénovation énergétique",),
    "audit energetique": ("rénovation énergétique",),
    "pv": ("photovoltaïque",),
    "solaire": ("photovoltaïque",),
    "toiture*": ("photovoltaïque",),
    "qualipv": ("photovoltaïque",),
    "enedis": ("photovoltaïque", "ingénierie énergétique"),
    "enr": ("ingénierie énergétique",),
    "velo": ("mécanique vélo",),
    "cycle*": ("mécanique vélo",),
    "vae": ("mécanique vélo",),
    "mecano*": ("mécanique vélo",),
    "electromenager": ("réparation électronique",),
    "depannage": ("réparation électronique",),
    "reparateurs": ("réparation électronique",),
    "archi": ("architecture",),
    "amo": ("architecture",),
    "bioclimatique": ("architecture",),
    "construction": ("architecture",),
    "droit immo*": ("juridique immobilier",),
    "foncier": ("juridique immobilier",),
    "bail": ("juridique immobilier",),
    "brs": ("juridique immobilier",),
    "sci": ("juridique immobilier",),
    "vefa": ("juridique immobilier",),
    "impact*": ("évaluation d'impact",),
    "sroi": ("évaluation d'impact",),
    "indicateurs": ("évaluation d'impact",),
    "gouvernance": ("gouvernance partagée",),
    "sociocratie": ("gouvernance partagée",),
    "holacratie": ("gouvernance partagée",),
    # more trade words and abbreviations met in French listings
    "expert comptable": ("comptabilité",),
    "bilan*": ("comptabilité",),
    "audit financier": ("comptabilité", "gestion financière"),
    "juriste*": ("droit des associations",),
    "avocat*": ("droit des associations",),
    "rgpd": ("droit des associations", "cybersécurité"),
    "contrat de travail": ("droit du travail",),
    "notaire*": ("juridique immobilier",),
    "urbaniste*": ("urbanisme",),
    "paysag*": ("urbanisme",),
    "mecenat": ("recherche de financements",),
    "appel a projet*": ("recherche de financements",),
    "feder": ("recherche de financements",),
    "fse": ("recherche de financements",),
    "newsletter*": ("communication digitale",),
    "wordpress": ("site internet",),
    "infographi*": ("graphisme",),
    "podcast*": ("vidéo",),
    "photo": ("photographie",),
    "power bi": ("données et tableurs",),
    "tableur*": ("données et tableurs",),
    "crm": ("informatique bureautique",),
    "erp": ("informatique bureautique",),
    "bureautique": ("informatique bureautique",),
    "mediation numerique": ("médiation", "informatique bureautique"),
    "transport": ("logistique",),
    "chauffeur*": ("logistique",),
    "cuisinier*": ("cuisine collective",),
    "chef cuisinier": ("cuisine collective",),
    "traiteur": ("cuisine collective",),
    "nutrition*": ("santé publique",),
    "dietetique": ("santé publique",),
    "prevention": ("santé publique",),
    "travailleur social": ("accompagnement social",),
    "insertion": ("accompagnement social",),
    "jardin*": ("maraîchage", "permaculture"),
    "compost*": ("agronomie",),
    "sol": ("agronomie",),
    "electricien*": ("électricité",),
    "plombier*": ("plomberie",),
    "menuisier*": ("menuiserie",),
    "ebeniste*": ("menuiserie",),
    "isolation": ("rénovation énergétique",),
    "thermique": ("rénovation énergétique", "ingénierie énergétique"),
    "pompe a chaleur": ("ingénierie énergétique",),
    "eolien*": ("ingénierie énergétique",),
    "methanisation": ("ingénierie énergétique",),
    "reconditionnement": ("réparation électronique",),
    "informatique": ("informatique bureautique",),
    "couturier*": ("couture",),
    "retouche*": ("couture",),
    "fle": ("formation", "traduction"),
    "anglais": ("traduction",),
    "interprete*": ("traduction",),
}
# The need a skill serves, so a volunteer with legal skills answers "structuration juridique".
SKILL_NEEDS: dict[str, str] = {
    **dict.fromkeys(("comptabilité", "gestion financière", "contrôle de gestion", "stratégie", "étude de marché",
                     "business plan"), "business_model"),
    **dict.fromkeys(("fiscalité associative", "droit des associations", "droit des sociétés coopératives",
                     "droit du travail", "juridique immobilier"), "legal_structuring"),
    **dict.fromkeys(("recherche de financements", "levée de fonds"), "funding"),
    **dict.fromkeys(("communication digitale", "réseaux sociaux", "graphisme", "rédaction", "relations presse",
                     "photographie", "vidéo", "site internet"), "communication"),
    **dict.fromkeys(("évaluation d'impact", "données et tableurs"), "impact_evaluation"),
    **dict.fromkeys(("gouvernance partagée", "facilitation", "médiation"), "shared_governance"),
    **dict.fromkeys(("formation", "pédagogie", "animation d'ateliers"), "training"),
    **dict.fromkeys(("architecture", "urbanisme"), "premises"),
}
ALIAS_SCORE = 90
FUZZY_THRESHOLD = 85
TEXT_THRESHOLD = 80
_PARTS = re.compile(r"\s*(?:[/,;+()&]|\bet\b)\s*")
TAXONOMY_INDEX: dict[str, int] = {label: i for i, label in enumerate(SKILLS)}


@dataclass(frozen=True)
class NormalisedSkill:
    text: str
    skill: str | None
    score: int


@dataclass(frozen=True)
class SkillMatch:
    """How a needed skill is met by one offered skill."""

    needed: str
    offered: str
    via: str | None  # the shared taxonomy skill, or None when the texts themselves are close
    score: int


def _canonical(label: str) -> str:
    """Aliases are written with or without accents; the taxonomy spelling wins."""
    folded = {simplify(s): s for s in SKILLS}
    return folded[simplify(label)]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss") else word


_ALIASES = [
    (" ".join(_singular(w) for w in key.rstrip("*").split()), key.endswith("*"), tuple(_canonical(s) for s in skills))
    for key, skills in ALIASES.items()
]


def _alias_hits(part: str) -> set[str]:
    """Aliases found in a folded text part; plurals count as their singular ("vélos")."""
    found: set[str] = set()
    tokens = [_singular(t) for t in part.split()]
    padded = f" {' '.join(tokens)} "
    for key, prefix, skills in _ALIASES:
        if prefix and " " not in key:
            if any(t.startswith(key) for t in tokens):
                found.update(skills)
        elif prefix:
            if f" {key}" in padded:
                found.update(skills)
        elif f" {key} " in padded:
            found.update(skills)
    return found


@lru_cache(maxsize=100_000)
def concepts(text: str) -> tuple[tuple[str, int], ...]:
    """The taxonomy skills a free text names, each with a confidence 0-100, best first."""
    found: dict[str, int] = {}
    whole = simplify(text)
    parts = [simplify(p) for p in _PARTS.split(text)]
    for part in {whole, *parts}:
        if not part:
            continue
        hit = process.extractOne(part, list(_FOLDED_SKILLS), scorer=fuzz.token_set_ratio)
        if hit and hit[1] >= FUZZY_THRESHOLD:
            label = _FOLDED_SKILLS[hit[0]]
            found[label] = max(found.get(label, 0), round(hit[1]))
        for label in _alias_hits(part):
            found[label] = max(found.get(label, 0), ALIAS_SCORE)
    return tuple(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


_FOLDED_SKILLS: dict[str, str] = {simplify(s): s for s in SKILLS}


def concept_bits(texts: tuple[str, ...] | list[str]) -> int:
    """One bit per taxonomy skill named by any of the texts (the taxonomy has 60 skills)."""
    bits = 0
    for text in texts:
        for label, _ in concepts(text):
            bits |= 1 << TAXONOMY_INDEX[label]
    return bits


def served_needs(texts: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The needs (vocabulary codes) the skills named by the texts serve, in the texts' order."""
    found: dict[str, None] = {}
    for text in texts:
        for label, _ in concepts(text):
            if label in SKILL_NEEDS:
                found.setdefault(SKILL_NEEDS[label], None)
    return tuple(found)


def normalise_skill(text: str, taxonomy: tuple[str, ...] = SKILLS) -> NormalisedSkill:
    """The closest taxonomy skill for a free-text skill, or None when nothing is close enough."""
    found = [c for c in concepts(text) if c[0] in taxonomy]
    if not found:
        return NormalisedSkill(text, None, 0)
    return NormalisedSkill(text, found[0][0], found[0][1])


@lru_cache(maxsize=100_000)
def _simple(text: str) -> str:
    return simplify(text)


@lru_cache(maxsize=200_000)
def _pair(needed: str, offered: str) -> SkillMatch | None:
    """How one offered skill text meets one needed skill text (cached: the same texts recur
    across every ranking)."""
    best: SkillMatch | None = None
    needed_concepts = dict(concepts(needed))
    for label, confidence in concepts(offered):
        if label in needed_concepts:
            score = min(confidence, needed_concepts[label])
            if best is None or score > best.score:
                best = SkillMatch(needed, offered, label, score)
    close = fuzz.token_set_ratio(_simple(needed), _simple(offered))
    if close >= TEXT_THRESHOLD and (best is None or close > best.score):
        best = SkillMatch(needed, offered, None, round(close))
    return best


def best_match(needed: str, offered: tuple[str, ...] | list[str]) -> SkillMatch | None:
    """The offered skill that best meets a needed one: a shared taxonomy skill or close texts."""
    best: SkillMatch | None = None
    for text in offered:
        found = _pair(needed, text)
        if found is not None and (best is None or found.score > best.score):
            best = found
    return best


def labels(text: str) -> tuple[str, ...]:
    """The taxonomy labels a free text is an instance of (what normalisation names)."""
    return tuple(label for label, _ in concepts(text))
