"""Rank, explain and unlock: the engine's entry points.

Ranking one initiative against a pool: the hard rules keep the eligible candidates
(`eligibility.check`), the components score them (`scoring.components`), a weighted mean gives
the score; the best `RERANK` form a shortlist scored again with the signals that cost a Python
loop (shared content words, pairwise fuzzy skills) before the top `limit` get their French
reasons. Without vectors the semantic weight is dropped and the ranking says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import cast

import numpy as np

from matching.eligibility import RULES, Checked, check
from matching.pool import Pool, build_pool
from matching.reasons import describe
from matching.rules import rule_details
from matching.scoring import COMPONENTS, DEFAULT_FLOOR, SKILL_RANK_DECAY, components, semantic, words_fit
from matching.semantic import profile_text
from matching.skills import best_match, phrase_in
from matching.types import Candidate, Explanation, Initiative, Match, Ranking, Rule, Unlock, VolunteerOffer
from matching.unlock import variants

# The judges' order of importance (eval/JUDGING.md): answering a declared need or missing skill,
# fitting the field, what the texts say, then stage and distance. Measured: the quality is flat
# around these values (README, "Matching quality").
WEIGHTS: dict[str, float] = {
    "needs": 0.3, "skills": 0.3, "themes": 0.3, "semantic": 0.2, "words": 0.15, "stage": 0.1, "proximity": 0.1,
}
RERANK = 50
# A needed skill's phrase written in the offer's text: specific evidence, short of the taxonomy's.
PHRASE_WEIGHT = 0.8
# A skill of the same family ("proche de"): related, not the job.
CLOSE_WEIGHT = 0.25
NO_MODEL_NOTE = "modèle de langue indisponible : classement sans similarité sémantique des textes"
NOTHING_NOTE = "pas encore de bonne piste : aucune proposition n'atteint le seuil de pertinence"


def _uses_semantic(ini: Initiative, pool: Pool) -> bool:
    """The initiative has a vector of the pool's size and some candidate has one too."""
    return (ini.vector is not None and pool.dimension > 0 and len(ini.vector) == pool.dimension
            and bool(pool.has_vector.any()))


def _shortlist(pool: Pool, ini: Initiative, rows: np.ndarray, comps: dict[str, np.ndarray]) -> None:
    """The signals worth their cost only on a shortlist: shared content words, and the pairwise
    fuzzy match of the missing skills with each offer's own words (catches the spellings the
    taxonomy does not know)."""
    comps["words"] = words_fit(profile_text(ini), [profile_text(pool.candidates[r]) for r in rows])
    if pool.kind != "volunteer_offer" or not ini.skills_needed:
        return
    for i, row in enumerate(rows):
        offer = cast(VolunteerOffer, pool.candidates[row])  # the pool is of volunteer offers
        best = 0.0
        for rank, needed in enumerate(ini.skills_needed):
            found = best_match(needed, offer.skills)
            if found is not None:
                best = max(best, (1.0 - SKILL_RANK_DECAY * rank) * (CLOSE_WEIGHT if found.close else 1.0))
            elif phrase_in(needed, (offer.description, *offer.skills)):
                best = max(best, (1.0 - SKILL_RANK_DECAY * rank) * PHRASE_WEIGHT)
        comps["skills"][i] = max(float(comps["skills"][i]), best)


class Scored:
    """Components of some candidate rows; `has_semantic` says, row by row, whether the semantic
    component counts (both sides have a vector), so a candidate without one is scored the same
    whatever pool it is in."""

    def __init__(self, pool: Pool, ini: Initiative, checked: Checked, rows: np.ndarray,
                 weights: Mapping[str, float] = WEIGHTS) -> None:
        self.pool, self.ini, self.rows, self.weights = pool, ini, rows, weights
        self.comps = components(pool, rows, ini, checked.distance)
        uses = _uses_semantic(ini, pool)
        self.has_semantic = pool.has_vector[rows] if uses else np.zeros(len(rows), dtype=bool)
        self.names = COMPONENTS[pool.kind]

    def keep(self, positions: np.ndarray) -> None:
        self.rows, self.has_semantic = self.rows[positions], self.has_semantic[positions]
        self.comps = {n: v[positions] for n, v in self.comps.items()}

    def _sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Weighted sum of the components computed so far, and the weight each row counts."""
        w = self.weights
        names = [n for n in self.names if n in self.comps and n != "semantic"]
        weighted = sum(w[n] * self.comps[n] for n in names) + np.zeros(len(self.rows), dtype=np.float32)
        scale = sum(w[n] for n in names) + np.where(self.has_semantic, w["semantic"], 0.0)
        if "semantic" in self.comps:
            weighted = weighted + w["semantic"] * np.where(self.has_semantic, self.comps["semantic"], 0.0)
        return weighted, scale

    def total(self) -> np.ndarray:
        """Weighted mean of the components computed so far (the shortlist adds the last ones); 0
        where every weight that counts is 0 (settings may turn signals off)."""
        weighted, scale = self._sums()
        return _mean(weighted, scale)

    def add_semantic(self, keep: int | None = None) -> None:
        """The semantic component, for the rows that can still be among the best `keep`: its
        value is unknown but within 0-1, so a row whose best case is below the `keep`-th worst
        case cannot get there (exact pruning; it saves most of the vector reads)."""
        if keep is not None and len(self.rows) > keep and self.has_semantic.any():
            weighted, scale = self._sums()
            lower = _mean(weighted, scale)
            upper = _mean(weighted + np.where(self.has_semantic, self.weights["semantic"], 0.0), scale)
            threshold = np.partition(lower, len(lower) - keep)[len(lower) - keep]
            self.keep(np.flatnonzero(upper >= threshold))
        self.comps["semantic"] = semantic(self.pool, self.rows, self.ini)

    def values(self, i: int) -> dict[str, float]:
        return {n: round(float(self.comps[n][i]), 3) for n in self.names
                if n in self.comps and (n != "semantic" or self.has_semantic[i])}


def _mean(weighted: np.ndarray, scale: np.ndarray) -> np.ndarray:
    weighted, scale = np.broadcast_arrays(np.asarray(weighted, dtype=np.float64), np.asarray(scale, dtype=np.float64))
    return np.divide(weighted, scale, out=np.zeros(weighted.shape), where=scale > 0)


def _match(ini: Initiative, candidate: Candidate, comps: dict[str, float], total: float) -> Match:
    reasons, missing = describe(ini, candidate, comps)
    return Match(candidate.kind, candidate.id, ini.id, round(100 * total), comps, reasons, missing)


def _ranking(matches: list[Match], eligible: int, semantic: bool, floor: int) -> Ranking:
    nothing = NOTHING_NOTE if eligible and not matches and floor > 0 else None
    return Ranking(matches, eligible, semantic, None if semantic else NO_MODEL_NOTE, floor, nothing)


def rank(ini: Initiative, pool: Pool, *, today: date, limit: int = 20, floor: int = DEFAULT_FLOOR,
         weights: Mapping[str, float] = WEIGHTS) -> Ranking:
    """The eligible candidates of the pool scoring at least `floor` (0-100), best first, each with
    score, components and reasons; `weights` (by component name, every key of WEIGHTS) weigh the mean."""
    semantic = _uses_semantic(ini, pool)
    checked = check(pool, ini, today)
    scored = Scored(pool, ini, checked, np.flatnonzero(checked.eligible), weights)
    scored.add_semantic(keep=RERANK)
    if len(scored.rows) > RERANK:
        scored.keep(np.argpartition(-scored.total(), RERANK)[:RERANK])
    _shortlist(pool, ini, scored.rows, scored.comps)
    total = scored.total()
    # best first; ties in candidate order, so the same data always gives the same ranking
    order = np.lexsort((scored.rows, -np.round(total, 6)))
    order = order[np.round(100 * total[order]) >= floor][:limit]
    matches = [_match(ini, pool.candidates[scored.rows[i]], scored.values(i), float(total[i])) for i in order]
    eligible = int(checked.eligible.sum())
    return _ranking(matches, eligible, semantic, floor)


def eligible_count(ini: Initiative, pool: Pool, *, today: date) -> int:
    """How many candidates of the pool pass every eligibility rule for this initiative."""
    return int(check(pool, ini, today).eligible.sum()) if len(pool.candidates) else 0


def rank_initiatives(candidate: Candidate, initiatives: Sequence[Initiative], *, today: date,
                     limit: int = 20, floor: int = DEFAULT_FLOOR, weights: Mapping[str, float] = WEIGHTS) -> Ranking:
    """Reverse browsing: the initiatives this candidate can help, best first (same scores)."""
    pool = build_pool(candidate.kind, [candidate])
    found: list[tuple[float, int, Match]] = []
    eligible = 0
    semantic_any = False
    for position, ini in enumerate(initiatives):
        ranking = rank(ini, pool, today=today, limit=1, floor=floor, weights=weights)
        semantic_any |= ranking.semantic
        eligible += ranking.eligible_count
        if ranking.matches:
            match = ranking.matches[0]
            found.append((-match.score, position, match))
    found.sort(key=lambda item: (item[0], item[1]))
    semantic = semantic_any or not initiatives
    return _ranking([m for _, _, m in found[:limit]], eligible, semantic, floor)


def explain(ini: Initiative, candidate: Candidate, *, today: date,
            weights: Mapping[str, float] = WEIGHTS) -> Explanation:
    """Every hard rule with pass/fail and why, and every component, eligible or not."""
    pool = build_pool(candidate.kind, [candidate])
    semantic = _uses_semantic(ini, pool)
    checked = check(pool, ini, today)
    scored = Scored(pool, ini, checked, np.arange(1), weights)
    scored.add_semantic()
    _shortlist(pool, ini, scored.rows, scored.comps)
    total = float(scored.total()[0])
    details = rule_details(ini, candidate, today)
    rules = [Rule(name, bool(checked.rules[name][0]), details[name]) for name in RULES[candidate.kind]]
    eligible = bool(checked.eligible[0])
    values = scored.values(0)
    reasons, missing = describe(ini, candidate, values)
    return Explanation(candidate.kind, candidate.id, ini.id, eligible, rules, round(100 * total) if eligible else 0,
                       values, reasons, missing, semantic)


def unlock(ini: Initiative, pools: dict[str, Pool], *, today: date, limit: int = 3) -> list[Unlock]:
    """The few changes (a legal form, a later stage) that would make the most candidates newly
    eligible, with how many, by kind."""
    now = {kind: check(pool, ini, today).eligible for kind, pool in pools.items()}
    hints: list[Unlock] = []
    for change in variants(ini):
        by_kind = {}
        for kind, pool in pools.items():
            after = check(pool, change.initiative, today).eligible
            by_kind[kind] = int((after & ~now[kind]).sum())
        count = sum(by_kind.values())
        if count:
            hints.append(Unlock(change.code, change.field, change.value, change.label, count, by_kind))
    hints.sort(key=lambda h: (-h.count, h.change))
    return hints[:limit]
