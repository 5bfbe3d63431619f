"""Measure the engine on a hand-judged file: nDCG@10 per kind, eligibility checks, baselines.

    python -m matching.evaluate --data ../shared/eval/dev.json --territories ../shared/eval/territories.json \
        [--skills ../shared/eval/skills.json] [--floor N] [--database [URL]] [--json]

Reads any file in the format of shared/eval/README.md; places come from the territories file
given, so no database is needed. Gains 2^grade - 1, log2 discount, ideal ranking from all judged
grades; each kind averaged over the initiatives with at least one positive of that kind;
"overall" is the mean of the three kinds. Calibration: the ROC AUC of the score for grade >= 1
against grade 0 over the eligible judged pairs, and what the relevance floor shows (recall of the
grade-2 pairs, precision of grade >= 1). With --skills, the skill reader measured on a skills file
(`matching.skill_eval`). With --database, what users said of the ranking: the declined matches
per kind and those declined as not relevant, read from that database by `python -m market.cli
feedback` (this library reads no database itself); without a URL, DATABASE_URL. With --json the
last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np
from tqdm import tqdm

from matching.dataset import Dataset, load_dataset
from matching.eligibility import check
from matching.engine import WEIGHTS, explain, rank
from matching.pool import Pool, build_pool
from matching.scoring import DEFAULT_FLOOR
from matching.semantic import Embedder, default_model_path, load_embedder, profile_text
from matching.skill_eval import evaluate_skills, skills_table
from matching.text import words
from matching.types import KINDS, Candidate, Initiative, SupportProvider, Takeover

K = 10
RANDOM_DRAWS = 50
# Short French words that carry no topic, left out of the word-overlap baseline.
STOP = {
    "les", "des", "une", "est", "pour", "dans", "par", "sur", "avec", "aux", "qui", "que", "nous", "vous",
    "ils", "elle", "son", "ses", "leur", "leurs", "plus", "pas", "ont", "sont", "cette", "ces", "tout", "tous",
    "mais", "comme", "entre", "sans", "chaque", "deux",
}


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(c, 0) - 1) / math.log2(r + 2) for r, c in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def auc(positives: list[float], negatives: list[float]) -> float:
    """ROC AUC: the chance a positive scores above a negative (ties count half)."""
    if not positives or not negatives:
        return 0.0
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return round(wins / (len(positives) * len(negatives)), 4)


def floor_figures(scored: list[tuple[int, int]], floor: int) -> dict[str, float]:
    """What a floor shows among (score, grade) pairs: recall of grade 2, precision of grade >= 1."""
    shown = [g for s, g in scored if s >= floor]
    twos = [s for s, g in scored if g == 2]
    return {"score": floor,
            "recall_2": round(sum(s >= floor for s in twos) / len(twos), 4) if twos else 0.0,
            "precision": round(sum(g >= 1 for g in shown) / len(shown), 4) if shown else 0.0}


def calibration(scored: dict[str, list[tuple[int, int]]], floor: int) -> dict:
    """AUC per kind and overall (all pairs pooled) of the score for grade >= 1, and the floor."""
    pooled = [pair for kind in KINDS for pair in scored.get(kind, [])]

    def one(pairs: list[tuple[int, int]]) -> float:
        return auc([s for s, g in pairs if g >= 1], [s for s, g in pairs if g == 0])

    return {"auc": {**{kind: one(scored.get(kind, [])) for kind in KINDS}, "overall": one(pooled)},
            "floor": floor_figures(pooled, floor)}


def _content_words(text: str) -> set[str]:
    return {w for w in words(text) if len(w) > 3 and w not in STOP}


class Evaluation:
    def __init__(self, ds: Dataset, pools: dict[str, Pool], vectors: dict[str, np.ndarray] | None) -> None:
        self.ds, self.pools, self.vectors = ds, pools, vectors
        self.eligible = {
            (ini.id, kind): self._eligible_ids(pool, ini)
            for ini in ds.initiatives
            for kind, pool in pools.items()
        }

    def _eligible_ids(self, pool: Pool, ini: Initiative) -> set[str]:
        rows = np.flatnonzero(check(pool, ini, self.ds.reference_date).eligible)
        return {pool.candidates[r].id for r in rows}

    def grades(self, ini: Initiative, kind: str) -> dict[str, int]:
        ids = {c.id for c in self.pools[kind].candidates}
        return {c: g for c, g in self.ds.judgments.get(ini.id, {}).items() if c in ids}

    def score(self, ranker: Callable[[Initiative, str], list[str]]) -> dict[str, float]:
        per_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for ini in self.ds.initiatives:
            for kind in KINDS:
                grades = self.grades(ini, kind)
                if any(g > 0 for g in grades.values()):
                    per_kind[kind].append(ndcg(ranker(ini, kind), grades))
        out = {kind: round(float(np.mean(v)), 4) if v else 0.0 for kind, v in per_kind.items()}
        out["overall"] = round(float(np.mean([out[k] for k in KINDS])), 4)
        return out

    def mismatches(self) -> int:
        count = 0
        for ini in self.ds.initiatives:
            truth = self.ds.ineligible.get(ini.id, set())
            for kind, pool in self.pools.items():
                ids = {c.id for c in pool.candidates}
                ours = ids - self.eligible[(ini.id, kind)]
                count += len(ours ^ (truth & ids))
        return count

    # --- baselines -----------------------------------------------------------------------

    def _all(self, kind: str) -> list[Candidate]:
        return self.pools[kind].candidates

    def random_eligible(self) -> dict[str, float]:
        draws = []
        for seed in range(RANDOM_DRAWS):
            rng = random.Random(seed)

            def shuffled(ini: Initiative, kind: str, rng: random.Random = rng) -> list[str]:
                ids = sorted(self.eligible[(ini.id, kind)])
                rng.shuffle(ids)
                return ids

            draws.append(self.score(shuffled))
        return {k: round(float(np.mean([d[k] for d in draws])), 4) for k in draws[0]}

    def keyword_all(self) -> dict[str, float]:
        def ranker(ini: Initiative, kind: str) -> list[str]:
            mine = _content_words(profile_text(ini))
            scored = [(-len(mine & _content_words(profile_text(c))), c.id) for c in self._all(kind)]
            return [cid for _, cid in sorted(scored)]

        return self.score(ranker)

    def keyword_eligible(self) -> dict[str, float]:
        def ranker(ini: Initiative, kind: str) -> list[str]:
            mine = _content_words(profile_text(ini))
            eligible = self.eligible[(ini.id, kind)]
            scored = [(-len(mine & _content_words(profile_text(c))), c.id) for c in self._all(kind) if c.id in eligible]
            return [cid for _, cid in sorted(scored)]

        return self.score(ranker)

    def embedding_all(self) -> dict[str, float]:
        vectors = self.vectors
        if vectors is None:
            return {}

        def ranker(ini: Initiative, kind: str) -> list[str]:
            scored = [(-float(vectors[ini.id] @ vectors[c.id]), c.id) for c in self._all(kind)]
            return [cid for _, cid in sorted(scored)]

        return self.score(ranker)

    def codes_eligible(self) -> dict[str, float]:
        def offered(c: Candidate) -> set[str]:
            if isinstance(c, SupportProvider):
                return set(c.offers)
            if isinstance(c, Takeover):
                return {"takeover", "premises"} if c.direction == "handover" else {"takeover"}
            return {"skills"}

        def ranker(ini: Initiative, kind: str) -> list[str]:
            eligible = self.eligible[(ini.id, kind)]
            scored = []
            for c in self._all(kind):
                if c.id in eligible:
                    needs = len(offered(c) & set(ini.needs)) / max(len(ini.needs), 1)
                    themes = len(set(c.themes) & set(ini.themes)) / max(len(ini.themes), 1)
                    scored.append((-(needs + themes), c.id))
            return [cid for _, cid in sorted(scored)]

        return self.score(ranker)


def embed(ds: Dataset, model: str | Embedder | None, *, progress: bool = True) -> dict[str, np.ndarray] | None:
    """Vectors of every profile of the data, by id; None without a model."""
    embedder = load_embedder(model) if isinstance(model, str) else model
    if embedder is None:
        return None
    profiles = [*ds.initiatives, *ds.candidates]
    texts = [profile_text(p) for p in tqdm(profiles, desc="embeddings", file=sys.stderr, disable=not progress)]
    vectors = embedder.encode(texts)
    return {p.id: np.asarray(v, dtype=np.float32) for p, v in zip(profiles, vectors, strict=True)}


@dataclass
class Prepared:
    """A judged file read, embedded and pooled, ready to be ranked under any weights."""

    ds: Dataset
    pools: dict[str, Pool]
    ev: Evaluation
    vectors: dict[str, np.ndarray] | None


def prepare(data: str | Path, territories: str | Path, model: str | Embedder | None, *,
            progress: bool = True) -> Prepared:
    ds = load_dataset(data, territories)
    vectors = embed(ds, model, progress=progress)
    if vectors is not None:
        ds.initiatives = [msgspec.structs.replace(i, vector=vectors[i.id]) for i in ds.initiatives]
        ds.candidates = [msgspec.structs.replace(c, vector=vectors[c.id]) for c in ds.candidates]
    pools = {kind: build_pool(kind, [c for c in ds.candidates if c.kind == kind]) for kind in KINDS}
    return Prepared(ds, pools, Evaluation(ds, pools, vectors), vectors)


def engine_figures(prep: Prepared, *, weights: Mapping[str, float] = WEIGHTS, floor: int = DEFAULT_FLOOR,
                   progress: bool = True) -> dict:
    """The engine under these weights: nDCG@10 per kind and overall, ineligible candidates in the
    top 10, and the calibration of its scores (AUC, what `floor` shows)."""
    ds, pools, ev = prep.ds, prep.pools, prep.ev
    rankings: dict[tuple[str, str], list[str]] = {}
    scored: dict[str, list[tuple[int, int]]] = {kind: [] for kind in KINDS}
    by_id = {c.id: c for c in ds.candidates}
    for ini in tqdm(ds.initiatives, desc="ranking", file=sys.stderr, disable=not progress):
        for kind, pool in pools.items():
            found = rank(ini, pool, today=ds.reference_date, limit=len(pool), floor=0, weights=weights)
            rankings[(ini.id, kind)] = [m.candidate_id for m in found.matches]
            scores = {m.candidate_id: m.score for m in found.matches}
            for cid, grade in ev.grades(ini, kind).items():
                if cid in ev.eligible[(ini.id, kind)]:
                    score = scores.get(cid)
                    if score is None:  # beyond the shortlist: explain scores it the same way
                        score = explain(ini, by_id[cid], today=ds.reference_date, weights=weights).score
                    scored[kind].append((score, grade))
    ineligible_top = sum(
        len(set(ranked[:K]) & ds.ineligible.get(ini_id, set())) for (ini_id, _), ranked in rankings.items()
    )
    return {"ndcg10": ev.score(lambda ini, kind: rankings[(ini.id, kind)]), "ineligible_in_top10": ineligible_top,
            "calibration": calibration(scored, floor)}


def run(data: str, territories: str, model: str, *, floor: int = DEFAULT_FLOOR, skills: str | None = None,
        database: str | None = None) -> dict:
    prep = prepare(data, territories, model)
    ev, vectors = prep.ev, prep.vectors
    figures = engine_figures(prep, floor=floor)
    baselines = {
        "random_eligible": ev.random_eligible(),
        "keyword_all": ev.keyword_all(),
        "keyword_eligible": ev.keyword_eligible(),
        "codes_eligible": ev.codes_eligible(),
    }
    if vectors is not None:
        baselines["embedding_all"] = ev.embedding_all()
    result = {
        "ndcg10": figures["ndcg10"],
        "ineligible_in_top10": figures["ineligible_in_top10"],
        "eligibility_mismatches": ev.mismatches(),
        "baselines": baselines,
        "semantic": vectors is not None,
        "model": model if vectors is not None else None,
        "calibration": figures["calibration"],
    }
    if skills:
        result["skills"] = evaluate_skills(skills)
    if database is not None:
        result["feedback"] = feedback(database)
    return result


class FeedbackError(RuntimeError):
    pass


def feedback(database: str) -> dict:
    """The declined matches per kind, as `python -m market.cli feedback --json` reads them from the
    database (`database`, or DATABASE_URL when empty): a command of the service, so that this
    library imports no database layer."""
    command = [sys.executable, "-m", "market.cli", "feedback", "--json"]
    if database:
        command += ["--database", database]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
                          check=False)
    if done.returncode != 0:
        raise FeedbackError(done.stderr.strip() or f"market.cli feedback exited with {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def feedback_table(figures: dict) -> str:
    lines = [f"{'feedback':18}{'matches':>10}{'declined':>10}{'not relevant':>14}{'declined %':>12}"
             f"{'not rel. %':>12}"]
    for name in (*KINDS, "overall"):
        f = figures[name]
        lines.append(f"{name:18}{f['matches']:>10}{f['declined']:>10}{f['not_relevant']:>14}"
                     f"{100 * f['declined_share']:>11.1f}%{100 * f['not_relevant_share']:>11.1f}%")
    return "\n".join(lines)


def table(result: dict) -> str:
    header = f"{'':18}{'support':>10}{'takeover':>10}{'volunteer':>11}{'overall':>10}"
    rows = [("engine", result["ndcg10"]), *result["baselines"].items()]
    lines = [header]
    for name, s in rows:
        lines.append(f"{name:18}{s['support_provider']:>10.3f}{s['takeover']:>10.3f}"
                     f"{s['volunteer_offer']:>11.3f}{s['overall']:>10.3f}")
    best = max(s["overall"] for _, s in rows[1:])
    lines.append(f"gain over best baseline: {result['ndcg10']['overall'] - best:+.3f}")
    lines.append(f"ineligible in top 10: {result['ineligible_in_top10']}; "
                 f"eligibility mismatches: {result['eligibility_mismatches']}; "
                 f"semantic signal: {'yes (' + str(result['model']) + ')' if result['semantic'] else 'no'}")
    cal = result["calibration"]
    lines.append(f"{'score AUC':18}" + "".join(f"{cal['auc'][k]:>{w}.3f}" for k, w in
                                               zip([*KINDS, "overall"], (10, 10, 11, 10), strict=True)))
    lines.append(f"floor {cal['floor']['score']}: shows {cal['floor']['recall_2']:.3f} of grade-2 pairs, "
                 f"precision (grade >= 1) {cal['floor']['precision']:.3f}")
    if "skills" in result:
        lines.append(skills_table(result["skills"]))
    if "feedback" in result:
        lines.append(feedback_table(result["feedback"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="judged data file (shared/eval/README.md format)")
    parser.add_argument("--territories", required=True, help="territories of that file")
    parser.add_argument("--model", default=default_model_path(),
                        help="sentence-transformers model path or name; empty: no semantic signal")
    parser.add_argument("--skills", help="judged skills file (shared/eval/README.md, Skills)")
    parser.add_argument("--floor", type=int, default=DEFAULT_FLOOR, help="relevance floor to measure (0-100)")
    parser.add_argument("--database", nargs="?", const="", default=None, metavar="URL",
                        help="also report the declined matches of this database (no URL: DATABASE_URL)")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args(argv)
    try:
        result = run(args.data, args.territories, args.model, floor=args.floor, skills=args.skills,
                     database=args.database)
    except FeedbackError as exc:
        print(f"feedback unavailable: {exc}", file=sys.stderr)
        return 2
    print(table(result))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
