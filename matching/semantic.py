"""Text embeddings behind a small protocol: the sentence-transformers adapter, loaded offline."""

from __future__ import annotations

import logging
import os
import threading
from typing import Protocol

log = logging.getLogger("bourse.embeddings")


class Embedder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> list[list[float]]: ...


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or any configured local model), normalised vectors."""

    def __init__(self, model_path: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = model_path
        self._model = SentenceTransformer(model_path, device="cpu")

    def encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return [v.tolist() for v in vectors]


_loaded: dict[str, Embedder | None] = {}
_lock = threading.Lock()


def load_embedder(model_path: str) -> Embedder | None:
    """The model at `model_path`, loaded once per process; None when it cannot load."""
    if not model_path:
        return None
    with _lock:
        if model_path not in _loaded:
            try:
                _loaded[model_path] = SentenceTransformerEmbedder(model_path)
            except Exception as exc:  # any failure means: match without the semantic signal
                log.warning("embedding model unavailable (%s): %s", model_path, type(exc).__name__)
                _loaded[model_path] = None
        return _loaded[model_path]
