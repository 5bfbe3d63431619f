"""Accounts: sign up (with a confirmation link), confirm, log in (argon2, throttled, one answer for
every failure), reset and change the password, the identity a request acts as, platform roles.

Sign-up and reset answer the same whether the address has an account or not, and cost the same
argon2 time; the email they send says the rest (`market.accounts.mail`).
"""

from __future__ import annotations

from datetime import timedelta

from anyio import to_thread
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.accounts import links, mail, names, passwords, personal_data
from market.accounts.session_models import WebSession
from market.accounts.throttle import LoginThrottle
from market.config import Settings
from market.errors import Conflict, Forbidden, InvalidField, NotAuthenticated, NotFound
from market.mail import Outgoing
from market.models import Account, ApiToken, Organisation, utcnow
from market.vocabulary import PLATFORM_ROLES, PlatformRole

BAD_LOGIN = "adresse email ou mot de passe incorrect"
normalise_email = names.normalise_email


async def by_email(session: AsyncSession, email: str) -> Account | None:
    return await session.scalar(
        select(Account).where(Account.email == normalise_email(email), Account.erased_at.is_(None))
    )


async def clean_display_name(session: AsyncSession, raw: str | None) -> str | None:
    organisation_names = list(await session.scalars(select(Organisation.name)))
    return names.display_name(raw, organisation_names)


async def register(session: AsyncSession, settings: Settings, email: str, password: str,
                   display_name: str | None = None, *, platform_role: str | None = None,
                   verified: bool = False) -> Account:
    """A new account (409 if the address has one). `verified` is for the operator's command line and
    the tests' fixtures only: over HTTP an address is confirmed by its link (`sign_up`)."""
    email = normalise_email(email)
    passwords.check_policy(password, email=email)
    name = await clean_display_name(session, display_name)
    if await by_email(session, email) is not None:
        raise Conflict("un compte existe déjà avec cette adresse email", field="email")
    if platform_role is not None and platform_role not in PLATFORM_ROLES:
        raise InvalidField("rôle de plateforme inconnu", field="platform_role")
    account = Account(email=email, display_name=name, platform_role=platform_role,
                      password_hash=await _hash(password, settings.argon2_profile),
                      email_verified_at=utcnow() if verified else None)
    session.add(account)
    await session.flush()
    await session.refresh(account, ["memberships"])
    return account


async def sign_up(session: AsyncSession, settings: Settings, email: str, password: str,
                  display_name: str | None = None) -> list[Outgoing]:
    """Register over HTTP: a new account gets a confirmation link; an address that already has an
    account gets an email saying so. Same answer, same argon2 cost, either way."""
    email = normalise_email(email)
    passwords.check_policy(password, email=email)
    name = await clean_display_name(session, display_name)
    if await by_email(session, email) is not None:
        await to_thread.run_sync(passwords.burn, password, settings.argon2_profile)
        return [mail.already_registered(settings, email)]
    account = await register(session, settings, email, password, name)
    return [await confirmation_mail(session, settings, account)]


async def confirmation_mail(session: AsyncSession, settings: Settings, account: Account) -> Outgoing:
    assert account.email is not None
    token = await links.issue(session, account.id, links.CONFIRM, timedelta(hours=settings.confirm_link_hours))
    return mail.confirmation(settings, account.email, token)


async def resend_confirmation(session: AsyncSession, settings: Settings, identity: Identity | None) -> list[Outgoing]:
    """A new confirmation link for the signed-in account (nothing when it is already confirmed)."""
    account = await get_live(session, access.any_account(identity).account_id)
    if account.email_verified_at is not None:
        return []
    return [await confirmation_mail(session, settings, account)]


async def confirm(session: AsyncSession, token: str) -> Account:
    """Follow a confirmation link: the address is the owner's, its pledges and contacts become theirs."""
    account = await get_live(session, await links.consume(session, token, links.CONFIRM))
    await _mark_verified(session, account)
    return account


async def _mark_verified(session: AsyncSession, account: Account) -> None:
    if account.email_verified_at is None:
        account.email_verified_at = utcnow()
        await session.flush()
    await personal_data.link_verified(session, account)


async def authenticate(session: AsyncSession, settings: Settings, throttle: LoginThrottle, email: str,
                       password: str, address: str) -> Account:
    """The account whose email and password these are. Every failure says the same thing and costs
    the same argon2 time; attempts are counted per account and per address before any check."""
    attempt = await throttle.attempt(email, address)
    account = await by_email(session, email)
    profile = settings.argon2_profile
    if account is None or account.password_hash is None:
        await to_thread.run_sync(passwords.burn, password, profile)  # argon2 off the event loop
        raise NotAuthenticated(BAD_LOGIN)  # the attempt stays counted
    if not await to_thread.run_sync(passwords.verify, account.password_hash, password, profile):
        raise NotAuthenticated(BAD_LOGIN)
    await throttle.succeeded(attempt)
    if account.suspended_at is not None:  # told only to whoever knows the password
        raise Forbidden("ce compte est suspendu : écrivez à l'équipe de la bourse pour en savoir plus")
    if passwords.needs_rehash(account.password_hash, profile):
        account.password_hash = await _hash(password, profile)
    account.last_login_at = utcnow()
    return account


async def request_reset(session: AsyncSession, settings: Settings, email: str) -> list[Outgoing]:
    """Mail a reset link when the address has an account; nothing otherwise. The answer is the same."""
    account = await by_email(session, email)
    if account is None or account.email is None:
        return []
    token = await links.issue(session, account.id, links.RESET, timedelta(minutes=settings.reset_link_minutes))
    return [mail.reset(settings, account.email, token)]


async def reset_password(session: AsyncSession, settings: Settings, token: str, password: str) -> list[Outgoing]:
    """Follow a reset link: a new password, every session and token ended, the address confirmed
    (the link reached it)."""
    account = await get_live(session, await links.consume(session, token, links.RESET))
    passwords.check_policy(password, email=account.email)
    account.password_hash = await _hash(password, settings.argon2_profile)
    await links.spend_all(session, account.id, links.RESET)
    await end_credentials(session, account.id)
    await _mark_verified(session, account)
    assert account.email is not None
    return [mail.password_changed(settings, account.email)]


async def change_password(session: AsyncSession, settings: Settings, identity: Identity | None, current: str,
                          new: str) -> list[Outgoing]:
    """With the current password: a new one; every session and token but the request's own ends
    (the caller starts a fresh session when the request came with one)."""
    identity = access.signed_in(identity)
    account = await get_live(session, identity.account_id)
    profile = settings.argon2_profile
    if account.password_hash is None or not await to_thread.run_sync(
            passwords.verify, account.password_hash, current, profile):
        raise InvalidField("mot de passe actuel incorrect", field="current_password")
    passwords.check_policy(new, email=account.email)
    account.password_hash = await _hash(new, profile)
    await links.spend_all(session, account.id, links.RESET)
    await end_credentials(session, account.id, keep_token=identity.token_id)
    assert account.email is not None
    return [mail.password_changed(settings, account.email)]


async def end_credentials(session: AsyncSession, account_id: int, *, keep_token: int | None = None) -> None:
    """Every web session of the account deleted and every API token revoked (but `keep_token`)."""
    await session.execute(delete(WebSession).where(WebSession.account_id == account_id))
    await session.execute(update(ApiToken).where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None),
                                                 ApiToken.id != (keep_token or 0))
                          .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


async def _hash(password: str, profile: str) -> str:
    return await to_thread.run_sync(passwords.hash_password, password, profile)


async def identity(session: AsyncSession, account_id: int, *, via: str, token_id: int | None = None) -> Identity | None:
    """What the request acts as: roles and memberships read now, so a change applies at once. An
    account whose address is not confirmed has no role until it is."""
    account = await session.get(Account, account_id)
    if account is None or account.erased_at is not None or account.email is None or account.suspended_at:
        return None
    verified = account.email_verified_at is not None
    return Identity(
        account_id=account.id,
        email=account.email,
        display_name=account.display_name,
        platform_role=account.platform_role if verified else None,
        memberships={m.organisation_id: m.role for m in account.memberships} if verified else {},
        via=via,
        verified=verified,
        token_id=token_id,
        owned=frozenset(m.organisation_id for m in account.memberships if m.owner) if verified else frozenset(),
        default_organisation_id=account.default_organisation_id,
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
