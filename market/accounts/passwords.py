"""Passwords: argon2id through argon2-cffi, a minimum length and a short list of the most common ones.

An unknown email costs the same argon2 time as a known one (`burn`): the login answer and its
duration do not tell whether the email has an account.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from market.errors import InvalidField

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON = Path(__file__).parent / "data" / "common_passwords.txt"
PROFILES = {"rfc_9106_low_memory": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


@cache
def hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(PROFILES[profile])


@cache
def _dummy_hash(profile: str) -> str:
    return hasher(profile).hash("not a password: the hash an unknown email is checked against")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def check_policy(password: str, *, email: str | None = None) -> None:
    """Refuse a password that is too short, too long, one of the most common, or the email itself."""
    if len(password) < MIN_LENGTH:
        raise InvalidField(f"mot de passe trop court : au moins {MIN_LENGTH} caractères", field="password")
    if len(password) > MAX_LENGTH:
        raise InvalidField(f"mot de passe trop long : au plus {MAX_LENGTH} caractères", field="password")
    folded = password.casefold()
    if folded in common_passwords() or len(set(folded)) < 4:
        raise InvalidField("ce mot de passe fait partie des plus courants : choisissez-en un autre", field="password")
    if email and folded == email.casefold():
        raise InvalidField("le mot de passe ne peut pas être l'adresse email", field="password")


def hash_password(password: str, profile: str) -> str:
    return hasher(profile).hash(password)


def verify(stored_hash: str, password: str, profile: str) -> bool:
    try:
        return hasher(profile).verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn(password: str, profile: str) -> None:
    """Spend the time of a verification for an email that has no account (the answer is always no)."""
    verify(_dummy_hash(profile), password, profile)


def needs_rehash(stored_hash: str, profile: str) -> bool:
    return hasher(profile).check_needs_rehash(stored_hash)
