"""Measure the skill reader on a hand-judged skills file (shared/eval/README.md, "Skills"):
normalisation (micro precision and recall of the taxonomy labels named for each text, share of
texts whose set is exactly right) and pairwise claims (precision of "offered ≈ needed" against
grade >= 1, recall of grade-2 and of grade-1 pairs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matching.skills import best_match, labels


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def normalisation(items: list[dict[str, Any]]) -> dict[str, float]:
    hit = named = expected = exact = 0
    for item in items:
        ours, truth = set(labels(item["text"])), set(item["skills"])
        hit += len(ours & truth)
        named += len(ours)
        expected += len(truth)
        exact += ours == truth
    return {"precision": _ratio(hit, named), "recall": _ratio(hit, expected), "exact": _ratio(exact, len(items))}


def pairs(items: list[dict[str, Any]]) -> dict[str, float]:
    claims = true_claims = 0
    found = {1: 0, 2: 0}
    total = {1: 0, 2: 0}
    for item in items:
        claimed = best_match(item["needed"], (item["offered"],)) is not None
        grade = int(item["grade"])
        claims += claimed
        true_claims += claimed and grade >= 1
        if grade in total:
            total[grade] += 1
            found[grade] += claimed
    return {"precision": _ratio(true_claims, claims), "recall_2": _ratio(found[2], total[2]),
            "recall_1": _ratio(found[1], total[1])}


def evaluate_skills(path: str | Path) -> dict[str, dict[str, float]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {"normalisation": normalisation(data.get("normalisation", [])), "pairs": pairs(data.get("pairs", []))}


def skills_table(result: dict[str, dict[str, float]]) -> str:
    n, p = result["normalisation"], result["pairs"]
    return (f"skills normalisation: precision {n['precision']:.3f}  recall {n['recall']:.3f}  exact {n['exact']:.3f}\n"
            f"skill pair claims:    precision {p['precision']:.3f}  recall grade 2 {p['recall_2']:.3f}  "
            f"recall grade 1 {p['recall_1']:.3f}")
