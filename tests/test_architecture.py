"""Rules of the architecture and of the settings that a test can hold."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from market.config import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(package: str) -> list[tuple[Path, str]]:
    """(file, module it imports) for every absolute import of every module under ROOT/package."""
    paths = sorted((ROOT / package).rglob("*.py"))
    assert paths, f"no module under {package}/"
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            found += [(path, name) for name in names]
    return found


def test_matching_is_a_pure_library() -> None:
    forbidden = ("api", "admin", "market", "seeds", "sqlalchemy", "litestar", "advanced_alchemy")
    for path, name in imported_modules("matching"):
        assert name.split(".")[0] not in forbidden, f"{path.relative_to(ROOT)} imports {name}"


def test_market_knows_nothing_of_the_web_layer() -> None:
    """The domain (market/) is called by the API and the back office, never the other way round: no
    `api`, no `admin`, no Litestar."""
    for path, name in imported_modules("market"):
        assert name.split(".")[0] not in ("api", "admin", "litestar"), f"{path.relative_to(ROOT)} imports {name}"


def test_the_back_office_is_its_own_package() -> None:
    """admin/ calls market/ (and the web client's page helpers); of api/, only app.py knows it (to
    register its routes); it never runs the matching engine itself (market/matches does) nor the seeds."""
    for path, name in imported_modules("admin"):
        assert name.split(".")[0] != "seeds" and not name.startswith("matching.engine"), \
            f"{path.relative_to(ROOT)} imports {name}"
    knowing = {path.relative_to(ROOT).as_posix() for path, name in imported_modules("api")
               if name.split(".")[0] == "admin"}
    assert knowing == {"api/app.py"}


def test_one_module_of_market_calls_the_engine() -> None:
    """Stored rows become engine profiles in market/matches/profiles.py and only ranking.py ranks."""
    callers = {path.relative_to(ROOT).as_posix() for path, name in imported_modules("market")
               if name == "matching.engine"}
    assert callers == {"market/matches/ranking.py"}


def test_production_refuses_default_secret_and_auto_publish() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(SettingsError, match="AUTO_PUBLISH"):
        Settings(environment="production", secret_key="x" * 40, auto_publish=True)
    stripe = {"stripe_secret_key": "sk_live_x", "stripe_publishable_key": "pk_live_x",
              "stripe_webhook_secret": "whsec_x", "stripe_api_base": ""}
    assert Settings(environment="production", secret_key="x" * 40, **stripe).environment == "production"
