"""Relevance components (each 0-1) of the eligible candidates of a pool, for one initiative.

- needs: the initiative's declared needs the candidate answers, weighted by their order (needs
  are listed most important first; 1 / sqrt(rank)): what a support provider offers; what a takeover brings
  (an activity, premises, a legal host, funding: `opportunity.py`); the volunteer skills an offer brings;
- skills: the missing skills an offer covers, read through the taxonomy (volunteer offers);
- themes: 1 when a theme is shared, 0.5 for a candidate open to every theme, 0 otherwise;
- semantic: cosine similarity of the two texts' embeddings, rescaled (0 without a model);
- words: the content words (French stems) the two texts share, for the shortlist only;
- proximity: how close the help is (distance decay, or how local a provider's area is);
- stage: how precisely a support provider targets the initiative's maturity, form and purpose.
"""

from __future__ import annotations

import math

import numpy as np

from matching.opportunity import LEGAL_HOST_FOR
from matching.pool import Pool, bit, mask, popcount
from matching.skills import concept_bits, concepts, served_needs
from matching.text import content_words, overlap
from matching.types import Initiative

# The relevance floor: below this score a facilitator would not make the introduction, so a
# ranking leaves the match out by default. Measured on dev.json (`python -m matching.evaluate
# --floor N`): 46 shows 95 % of the grade-2 pairs at precision 0.90 (50: 85 % at 0.96).
DEFAULT_FLOOR = 46

COMPONENTS: dict[str, tuple[str, ...]] = {
    "support_provider": ("needs", "themes", "semantic", "words", "proximity", "stage"),
    "takeover": ("needs", "themes", "semantic", "words", "proximity"),
    "volunteer_offer": ("needs", "skills", "themes", "semantic", "words", "proximity"),
}
# Computed apart by the engine: semantic for the rows that can still reach the shortlist,
# words for the shortlist only (a Python loop over word sets).
LATER_COMPONENTS = ("semantic", "words")
# Word overlap (cosine of stemmed content words) of two related listings reaches about this.
WORDS_CEILING = 0.25
# Cosine similarities of related French texts under the default model sit between these.
SEMANTIC_FLOOR, SEMANTIC_CEILING = 0.15, 0.75
GATHER_RATIO = 3
# A provider's area, from listed communes to national: local help is worth more.
AREA_PROXIMITY = np.array([1.0, 1.0, 0.85, 0.7, 0.55])


def demand(ini: Initiative) -> dict[str, float]:
    """The declared needs, then (at half weight) the needs its missing skills imply. Needs are
    listed most important first, but a secondary need is still a real one: the weights fall
    as 1 / sqrt(rank) (1, 0.71, 0.58, 0.5), not 1 / rank, which made the second need worth half."""
    raw = {need: 1.0 / math.sqrt(rank + 1) for rank, need in enumerate(ini.needs)}
    for rank, need in enumerate(served_needs(ini.skills_needed)):
        raw.setdefault(need, 0.5 / math.sqrt(rank + 1))
    total = sum(raw.values()) or 1.0
    return {need: w / total for need, w in raw.items()}


def _weighted_cover(offers: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    out = np.zeros(len(offers), dtype=np.float32)
    for need, w in weights.items():
        out += w * ((offers & bit("need", need)) != 0)
    return out


OPEN_THEMES = 0.5
# What a provider of other fields answering a need is worth (measured flat between 0.3 and 0.7).
OTHER_FIELD_NEEDS = 0.5


def themes_fit(themes: np.ndarray, ini: Initiative) -> np.ndarray:
    """Share of the initiative's themes the candidate works on; a candidate open to every
    theme gets OPEN_THEMES (generic help is useful, but less than a specialist of the field)."""
    wanted = mask("theme", ini.themes)
    if not wanted:
        return np.full(len(themes), OPEN_THEMES, dtype=np.float32)
    share = popcount(themes & wanted) / float(len(ini.themes))
    return np.where(themes == 0, OPEN_THEMES, share).astype(np.float32)


def semantic(pool: Pool, rows: np.ndarray, ini: Initiative) -> np.ndarray:
    if ini.vector is None or pool.dimension == 0 or len(ini.vector) != pool.dimension:
        return np.zeros(len(rows), dtype=np.float32)
    vector = np.asarray(ini.vector, dtype=np.float32)
    # gathering the eligible rows copies them: worth it only when few are eligible
    sparse = len(rows) * GATHER_RATIO < len(pool)
    cos = pool.vectors[rows] @ vector if sparse else (pool.vectors @ vector)[rows]
    scaled = (cos - SEMANTIC_FLOOR) / (SEMANTIC_CEILING - SEMANTIC_FLOOR)
    return np.where(pool.has_vector[rows], np.clip(scaled, 0.0, 1.0), 0.0).astype(np.float32)


SKILL_RANK_DECAY = 0.1


def skill_weights(ini: Initiative) -> list[tuple[int, float]]:
    """Each missing skill's taxonomy bits and its weight: an offer that brings any one of them
    is a real help; the skills listed first count a little more."""
    return [(concept_bits((s,)), 1.0 - SKILL_RANK_DECAY * rank)
            for rank, s in enumerate(ini.skills_needed) if concepts(s)]


def components(pool: Pool, rows: np.ndarray, ini: Initiative, distance: np.ndarray) -> dict[str, np.ndarray]:
    """The components of the kind computed from codes and places, for the candidate rows given."""
    c = pool.columns
    weights = demand(ini)
    out: dict[str, np.ndarray] = {"themes": themes_fit(pool.themes[rows], ini)}
    if pool.kind == "support_provider":
        # a provider that names its fields and shares none of the initiative's is aimed at another
        # public: the needs it lists are a code overlap more than an answer
        themes = pool.themes[rows]
        elsewhere = (themes != 0) & ((themes & mask("theme", ini.themes)) == 0)
        share = np.where(elsewhere, OTHER_FIELD_NEEDS, 1.0).astype(np.float32)
        out["needs"] = share * _weighted_cover(c["offers"][rows], weights)
        out["proximity"] = AREA_PROXIMITY[c["area_level"][rows]].astype(np.float32)
        targeted = np.zeros(len(rows), dtype=np.float32)
        for column in ("maturities", "forms", "purposes"):
            listed = c[column][rows]
            # eligible rows accept the initiative's value: a short list that names it targets
            # it, an empty one is generic
            share = np.where(listed == 0, 0.0, 1.0 / np.maximum(popcount(listed), 1.0))
            targeted += np.where(listed == 0, 0.4, 0.6 + 0.4 * share)
        out["stage"] = targeted / 3
    elif pool.kind == "takeover":
        # what the opportunity offers (an activity, premises, a legal host, funding), read from
        # its text (`opportunity.answers`); it answers one or two needs at most, hence the doubling
        offers = c["offers"][rows]
        if ini.org_form != LEGAL_HOST_FOR:
            offers = np.where(c["carrier"][rows], offers & ~bit("need", "legal_structuring"), offers)
        out["needs"] = np.clip(_weighted_cover(offers, weights) * 2, 0.0, 1.0).astype(np.float32)
        out["proximity"] = np.exp(-distance[rows] / np.maximum(c["radius"][rows], 1.0)).astype(np.float32)
    else:
        skill_bits = c["skills"][rows]
        covered = np.zeros(len(rows), dtype=np.float32)
        for bits, w in skill_weights(ini):
            covered = np.maximum(covered, w * ((skill_bits & bits) != 0))
        out["skills"] = covered
        out["needs"] = _weighted_cover(c["offers"][rows], weights)
        near = np.exp(-distance[rows] / np.maximum(c["radius"][rows], 1.0))
        out["proximity"] = np.where(c["remote"][rows] & (distance[rows] > c["radius"][rows]), 0.5, near)
        out["proximity"] = out["proximity"].astype(np.float32)
    return {name: out[name] for name in COMPONENTS[pool.kind] if name not in LATER_COMPONENTS}


def words_fit(ini_text: str, candidate_texts: list[str]) -> np.ndarray:
    mine = content_words(ini_text)
    values = [overlap(mine, content_words(text)) / WORDS_CEILING for text in candidate_texts]
    return np.clip(np.asarray(values, dtype=np.float32), 0.0, 1.0)
