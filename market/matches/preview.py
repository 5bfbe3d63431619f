"""What proposed matching settings would give on a judged file (MATCHING_EVAL_FILE, the format of
shared/eval/README.md): nDCG@10 per kind and overall, and what the floor shows, beside the same
figures for the settings in force, measured with `matching.evaluate`'s own functions.

The file is read and embedded once per process (by path, modification time and model) and each
measure runs in a worker thread: ranking a file of a few hundred listings takes a few seconds.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

from market.config import Settings
from market.matches.settings import Tuning
from matching.evaluate import Prepared, engine_figures, prepare
from matching.semantic import Embedder


@dataclass(frozen=True)
class Figures:
    ndcg10: dict[str, float]  # per kind and "overall"
    floor: dict[str, float]  # score, recall_2 (grade-2 pairs shown), precision (grade >= 1 among shown)


@dataclass(frozen=True)
class Preview:
    path: str
    semantic: bool
    current: Figures
    proposed: Figures


class EvalFileMissing(Exception):
    """No judged file is configured, or it cannot be read: the page says which."""


_prepared: dict[tuple[str, float, str], Prepared] = {}
_figures: dict[tuple[tuple[str, float, str], tuple], Figures] = {}
_lock = threading.Lock()


def eval_paths(settings: Settings) -> tuple[Path, Path]:
    if not settings.matching_eval_file:
        raise EvalFileMissing("aucun fichier d'évaluation n'est configuré (variable MATCHING_EVAL_FILE) : "
                              "l'aperçu du nDCG@10 n'est pas disponible")
    data = Path(settings.matching_eval_file)
    territories = Path(settings.matching_eval_territories or data.with_name("territories.json"))
    for path in (data, territories):
        if not path.is_file():
            raise EvalFileMissing(f"fichier d'évaluation introuvable : {path}")
    return data, territories


def _measure(data: Path, territories: Path, embedder: Embedder | None, tuning: Tuning) -> Figures:
    model = embedder.name if embedder is not None else ""
    file_key = (str(data.resolve()), data.stat().st_mtime, model)
    with _lock:  # one measure at a time: the file is prepared once and the figures kept
        found = _figures.get((file_key, tuning.key()))
        if found is not None:
            return found
        prep = _prepared.get(file_key)
        if prep is None:
            try:
                prep = prepare(data, territories, embedder, progress=False)
            except (ValueError, KeyError, TypeError) as exc:
                raise EvalFileMissing(f"fichier d'évaluation illisible ({data}) : {type(exc).__name__} {exc}") from exc
            _prepared[file_key] = prep
        raw = engine_figures(prep, weights=tuning.weights, floor=tuning.floor, progress=False)
        found = Figures(raw["ndcg10"], raw["calibration"]["floor"])
        _figures[(file_key, tuning.key())] = found
        return found


async def preview(settings: Settings, embedder: Embedder | None, current: Tuning, proposed: Tuning) -> Preview:
    """The figures of both settings on the configured file; EvalFileMissing when there is none."""
    data, territories = eval_paths(settings)
    now = await asyncio.to_thread(_measure, data, territories, embedder, current)
    then = await asyncio.to_thread(_measure, data, territories, embedder, proposed)
    return Preview(str(data), embedder is not None, now, then)
