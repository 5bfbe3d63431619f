"""Precision and recall of the duplicate detector on the hand-built pairs of
tests/data/duplicate_pairs.json: `python -m admin.duplicates_eval` prints every pair's signals and
the figures, on the tuning set and on the held-out one (communes placed from the territory
reference file, no database needed)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from admin.services.similarity import Profile, Signals, compare

PAIRS = Path(__file__).resolve().parents[1] / "tests" / "data" / "duplicate_pairs.json"
HOLDOUT = PAIRS.with_name("duplicate_pairs_holdout.json")  # written after the rules were frozen
TERRITORIES = Path(__file__).resolve().parents[1] / "seeds" / "data" / "territories.json.gz"


@dataclass
class Result:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    rows: list[tuple[dict[str, Any], Signals]]

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def places(path: Path = TERRITORIES) -> dict[str, tuple[float, float]]:
    data = json.loads(gzip.decompress(path.read_bytes()))
    return {c["code"]: (c["lat"], c["lon"]) for c in data["communes"]}


def _profile(side: dict[str, Any], where: dict[str, tuple[float, float]]) -> Profile:
    lat, lon = where[side["commune"]]
    return Profile(side["name"], side["description"], lat, lon, side.get("siren"), side.get("rna"))


def evaluate(pairs_path: Path = PAIRS, where: dict[str, tuple[float, float]] | None = None) -> Result:
    where = where or places()
    pairs = json.loads(pairs_path.read_text(encoding="utf-8"))["pairs"]
    result = Result(0, 0, 0, 0, [])
    for pair in pairs:
        signals = compare(_profile(pair["a"], where), _profile(pair["b"], where))
        result.rows.append((pair, signals))
        if pair["duplicate"]:
            result.true_positives += signals.candidate
            result.false_negatives += not signals.candidate
        else:
            result.false_positives += signals.candidate
            result.true_negatives += not signals.candidate
    return result


def main() -> None:
    where = places()
    for path in (PAIRS, HOLDOUT):
        print(f"== {path.name}")
        report(evaluate(path, where))


def report(result: Result) -> None:
    for pair, s in result.rows:
        mark = "ok " if s.candidate == pair["duplicate"] else "ERR"
        print(f"{mark} {'dup ' if pair['duplicate'] else 'near'} score={s.score:.2f} name={s.name:.2f} "
              f"dist={s.distance if s.distance is not None else '-'} desc={s.description:.2f} "
              f"id={s.identifier if s.identifier is not None else '-'}  {pair['a']['name']} / {pair['b']['name']}")
    print(f"{len(result.rows)} pairs: precision {result.precision:.2f}, recall {result.recall:.2f} "
          f"(TP {result.true_positives}, FP {result.false_positives}, FN {result.false_negatives}, "
          f"TN {result.true_negatives})")


if __name__ == "__main__":
    main()
