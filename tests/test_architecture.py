"""Rules of the architecture and of the settings that a test can hold."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from market.config import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]


def test_matching_is_a_pure_library() -> None:
    forbidden = ("api", "admin", "market", "seeds", "sqlalchemy", "litestar", "advanced_alchemy")
    for path in (ROOT / "matching").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_production_refuses_default_secret_and_auto_publish() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(SettingsError, match="AUTO_PUBLISH"):
        Settings(environment="production", secret_key="x" * 40, auto_publish=True)
    stripe = {"stripe_secret_key": "sk_live_x", "stripe_publishable_key": "pk_live_x",
              "stripe_webhook_secret": "whsec_x", "stripe_api_base": ""}
    assert Settings(environment="production", secret_key="x" * 40, **stripe).environment == "production"
