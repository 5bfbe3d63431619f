"""Free-text skills ("tenue de la compta", "CM", "Expert-comptable", "quelqu'un pour tenir les
comptes") read through the skills taxonomy, so that two people who write the same skill differently
still meet, and two who write alike but mean other trades do not.

`lexicon.json` holds, for each taxonomy skill, the words of its trade (job titles, jargon,
abbreviations, phrases; "*" ends a prefix) and the phrases that look alike but belong elsewhere
("bilan carbone" is not accounting); `families` groups the skills of one trade family. A text
names every skill one of whose terms it contains (whole words, stop words and plurals ignored,
a long word one typo away counts); two texts match ("≈") when they name a common skill, and are
"proche de" (a lower weight) when they name skills of one family. Spelling alone never matches.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from rapidfuzz import fuzz, process

from matching.text import FRENCH_STOP_WORDS, simplify, stem, words
from matching.vocabulary import SKILLS

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
STRONG_SCORE = 90  # a shared taxonomy skill
CLOSE_SCORE = 50  # skills of one family: "proche de"
TYPO_RATIO = 90
TYPO_LENGTH = 7
TAXONOMY_INDEX: dict[str, int] = {label: i for i, label in enumerate(SKILLS)}
_LEXICON = json.loads((Path(__file__).parent / "lexicon.json").read_text(encoding="utf-8"))
_STOP = FRENCH_STOP_WORDS | {"qu", "quelqu", "un", "une"}

_WORD = re.compile(r"[^\W_]+")
Term = tuple[tuple[str, bool], ...]  # (word, is a prefix) in order


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
    via: str | None  # the shared taxonomy skill (or the needed one of the family when close)
    score: int
    close: bool = False  # True: "proche de" (same family, not the same skill)
    offered_skill: str | None = None


_INVARIABLE = {"plus", "temps", "cours", "corps", "prix", "poids", "choix", "fois", "gros", "bois", "tous", "sous",
               "vers", "dos", "os", "pays", "repas", "divers", "jus", "mois", "paris", "ars"}


def _singular(word: str) -> str:
    if word in _INVARIABLE or len(word) <= 3 or word.endswith("ss"):
        return word
    return word[:-1] if word[-1] in "sx" else word


def _tokens(text: str) -> list[str]:
    return [_singular(w) for w in words(text) if w not in _STOP]


def _term(pattern: str) -> Term:
    return _compile(pattern, _STOP)


def _compile(pattern: str, stop: frozenset[str]) -> Term:
    out: list[tuple[str, bool]] = []
    for w in pattern.split():
        prefix = w.endswith("*")
        parts = [p for p in words(w.rstrip("*")) if p not in stop]
        for i, part in enumerate(parts):
            out.append((part, True) if prefix and i == len(parts) - 1 else (_singular(part), False))
    return tuple(out)


def _exclusion(pattern: str) -> tuple[Term, bool]:
    """A look-alike phrase, and whether it is read with its stop words: "sur site" or "mon atelier"
    without them would be "site" or "atelier" alone and block the word everywhere."""
    term = _term(pattern)
    if len(term) >= 2 or len(pattern.split()) == 1:
        return term, False
    return _compile(pattern, frozenset()), True


def _canonical(label: str) -> str:
    folded = {simplify(s): s for s in SKILLS}
    return folded[simplify(label)]


# Per skill: its terms, its weak terms ("~" in the lexicon: the domain, public or object a text
# mentions, such as "subventions" or "coopérative solaire", which name the skill only when the text
# names no other one) and its look-alike phrases.
_TERMS: dict[str, tuple[list[Term], list[Term], list[tuple[Term, bool]]]] = {}
for _label, _entry in _LEXICON["skills"].items():
    _patterns = [_label, *_entry["terms"]]
    _TERMS[_canonical(_label)] = (
        [t for t in (_term(p) for p in _patterns if not p.startswith("~")) if t],
        [t for t in (_term(p[1:]) for p in _patterns if p.startswith("~")) if t],
        [e for e in (_exclusion(p) for p in _entry.get("not", [])) if e[0]],
    )
FAMILIES: tuple[frozenset[str], ...] = tuple(frozenset(_canonical(s) for s in f) for f in _LEXICON["families"])
_KNOWN = sorted({w for terms, weak, _ in _TERMS.values() for t in (*terms, *weak) for w, prefix in t
                 if not prefix and len(w) >= TYPO_LENGTH})


def _spans(tokens: list[str], term: Term) -> list[tuple[int, int]]:
    n = len(term)
    return [(i, i + n) for i in range(len(tokens) - n + 1)
            if all(tokens[i + k].startswith(w) if prefix else tokens[i + k] == w for k, (w, prefix) in enumerate(term))]


_PREFIXES = tuple(sorted({w for terms, weak, _ in _TERMS.values() for t in (*terms, *weak) for w, prefix in t
                          if prefix}))
_KNOWN_SET = frozenset(_KNOWN)


def _is_typo(word: str, known: str) -> bool:
    """A word that only adds or drops an ending to a known one is another form ("enseigne" and
    "enseigner", "personne" and "personnel"), not a typo; a dropped or added "e" or "s" is."""
    short, long = sorted((word, known), key=len)
    return not long.startswith(short) or long[len(short):] in ("e", "s")


def _fix_typos(tokens: list[str]) -> list[str]:
    """A long word the lexicon does not know, one typo away from one it knows, is read as that one."""
    out = []
    for t in tokens:
        if len(t) >= TYPO_LENGTH and t not in _KNOWN_SET and not t.startswith(_PREFIXES):
            hit = process.extractOne(t, _KNOWN, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO)
            t = hit[0] if hit and _is_typo(t, hit[0]) else t
        out.append(t)
    return out


def _read(text: str) -> tuple[list[str], list[str], list[int]]:
    """The meaningful words (typos fixed), every word, and where each meaningful word stands among all."""
    every = words(text)
    full = [_singular(w) for w in every]
    where = [i for i, w in enumerate(every) if w not in _STOP]
    tokens = _fix_typos([full[i] for i in where])
    for i, t in zip(where, tokens, strict=True):
        full[i] = t
    return tokens, full, where


@lru_cache(maxsize=100_000)
def concepts(text: str) -> tuple[tuple[str, int], ...]:
    """The taxonomy skills a free text names, each with a confidence 0-100, in taxonomy order."""
    tokens, full, where = _read(text)

    def named(terms: list[Term], blocked: list[tuple[int, int]]) -> bool:
        return any(not any(where[a] < e and s <= where[b - 1] for s, e in blocked)
                   for term in terms for a, b in _spans(tokens, term))

    strong: set[str] = set()
    weak: set[str] = set()
    for label, (terms, weak_terms, excluded) in _TERMS.items():
        blocked = [(where[a], where[b - 1] + 1) if not whole else (a, b)
                   for t, whole in excluded for a, b in _spans(full if whole else tokens, t)]
        if named(terms, blocked):
            strong.add(label)
        elif named(weak_terms, blocked):
            weak.add(label)
    found = strong or weak
    return tuple(sorted(((label, STRONG_SCORE) for label in found), key=lambda kv: TAXONOMY_INDEX[kv[0]]))


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


@lru_cache(maxsize=200_000)
def _pair(needed: str, offered: str) -> SkillMatch | None:
    """How one offered skill text meets one needed skill text (cached: the same texts recur
    across every ranking): a shared skill, else two skills of one family, else nothing."""
    mine, theirs = [label for label, _ in concepts(needed)], [label for label, _ in concepts(offered)]
    for label in mine:
        if label in theirs:
            return SkillMatch(needed, offered, label, STRONG_SCORE, False, label)
    if simplify(needed) and simplify(needed) == simplify(offered):
        return SkillMatch(needed, offered, None, STRONG_SCORE)
    for label in mine:
        for other in theirs:
            if any(label in f and other in f for f in FAMILIES):
                return SkillMatch(needed, offered, label, CLOSE_SCORE, True, other)
    return None


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


def _phrase_words(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) of the words that carry meaning, in order (stop words, short words out)."""
    out = []
    for m in _WORD.finditer(text):
        for w in words(m.group()):
            if len(w) > 2 and w not in _STOP:
                out.append((stem(w), m.start(), m.end()))
    return out


@lru_cache(maxsize=200_000)
def shared_phrase(needed: str, text: str) -> str | None:
    """Two consecutive meaningful words of a needed skill that a text also has in a row ("hors
    contrat", "relations presse", "coût de revient"), as the needed text writes them: a term of
    the trade written out, which the taxonomy may not know. One shared word is no evidence."""
    mine = _phrase_words(needed)
    theirs = {(a[0], b[0]) for a, b in pairwise(_phrase_words(text))}
    for a, b in pairwise(mine):
        if (a[0], b[0]) in theirs and a[0] != b[0]:
            return needed[a[1]:b[2]]
    return None


def phrase_in(needed: str, texts: tuple[str, ...] | list[str]) -> str | None:
    """The first phrase of a needed skill that one of the texts writes too (`shared_phrase`)."""
    for text in texts:
        found = shared_phrase(needed, text)
        if found:
            return found
    return None


def compile_terms(patterns: list[str]) -> list[Term]:
    """Lexicon patterns (whole words after folding, stop words dropped, "*" ends a prefix)."""
    return [t for t in (_term(p) for p in patterns) if t]


def mentions(text: str, terms: list[Term], excluded: list[Term] | None = None) -> bool:
    """Whether the text contains one of the compiled terms outside the look-alike phrases
    `excluded` (the same reading as the skills lexicon)."""
    tokens = _tokens(text)
    blocked = [span for t in excluded or () for span in _spans(tokens, t)]
    return any(not any(a < e and s < b for s, e in blocked) for term in terms for a, b in _spans(tokens, term))
