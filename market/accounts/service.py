"""Accounts: register, log in (argon2, throttled, one answer for every failure), the identity a
request acts as, and platform roles."""

from __future__ import annotations

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.accounts import passwords
from market.accounts.throttle import LoginThrottle
from market.config import Settings
from market.errors import Conflict, InvalidField, NotAuthenticated, NotFound
from market.models import Account, utcnow
from market.vocabulary import PLATFORM_ROLES, PlatformRole

BAD_LOGIN = "adresse email ou mot de passe incorrect"


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def by_email(session: AsyncSession, email: str) -> Account | None:
    return await session.scalar(
        select(Account).where(Account.email == normalise_email(email), Account.erased_at.is_(None))
    )


async def register(session: AsyncSession, settings: Settings, email: str, password: str,
                   display_name: str | None = None, *, platform_role: str | None = None) -> Account:
    email = normalise_email(email)
    passwords.check_policy(password, email=email)
    if await by_email(session, email) is not None:
        raise Conflict("un compte existe déjà avec cette adresse email", field="email")
    if platform_role is not None and platform_role not in PLATFORM_ROLES:
        raise InvalidField("rôle de plateforme inconnu", field="platform_role")
    account = Account(email=email, display_name=(display_name or "").strip() or None, platform_role=platform_role,
                      password_hash=await _hash(password, settings.argon2_profile))
    session.add(account)
    await session.flush()
    await session.refresh(account, ["memberships"])
    return account


async def authenticate(session: AsyncSession, settings: Settings, throttle: LoginThrottle, email: str,
                       password: str, address: str) -> Account:
    """The account whose email and password these are. Every failure says the same thing and costs
    the same argon2 time; failures are counted per account and per address."""
    await throttle.check(email, address)
    account = await by_email(session, email)
    profile = settings.argon2_profile
    if account is None or account.password_hash is None:
        await to_thread.run_sync(passwords.burn, password, profile)  # argon2 off the event loop
        await throttle.failed(email, address)
        raise NotAuthenticated(BAD_LOGIN)
    if not await to_thread.run_sync(passwords.verify, account.password_hash, password, profile):
        await throttle.failed(email, address)
        raise NotAuthenticated(BAD_LOGIN)
    await throttle.succeeded(email)
    if passwords.needs_rehash(account.password_hash, profile):
        account.password_hash = await _hash(password, profile)
    account.last_login_at = utcnow()
    return account


async def _hash(password: str, profile: str) -> str:
    return await to_thread.run_sync(passwords.hash_password, password, profile)


async def identity(session: AsyncSession, account_id: int, *, via: str) -> Identity | None:
    """What the request acts as: roles and memberships read now, so a change applies at once."""
    account = await session.get(Account, account_id)
    if account is None or account.erased_at is not None or account.email is None:
        return None
    return Identity(
        account_id=account.id,
        email=account.email,
        display_name=account.display_name,
        platform_role=account.platform_role,
        memberships={m.organisation_id: m.role for m in account.memberships},
        via=via,
    )


async def get_live(session: AsyncSession, account_id: int) -> Account:
    account = await session.get(Account, account_id)
    if account is None or account.erased_at is not None:
        raise NotFound(f"compte {account_id} introuvable")
    return account


async def set_platform_role(session: AsyncSession, actor: Identity | None, account_id: int,
                            role: PlatformRole | None) -> Account:
    """Admins grant or withdraw the moderator and admin roles."""
    access.admin(actor)
    account = await get_live(session, account_id)
    account.platform_role = role
    await session.flush()
    return account
