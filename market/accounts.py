"""`python -m market.accounts create-admin EMAIL`: the first admin (or make an account admin).

The password comes from the BOURSE_ADMIN_PASSWORD environment variable when set (scripts, CI),
otherwise from a prompt asked twice (getpass: not echoed, not in the shell's history). It is never
a command-line argument. An account that already exists with this email is made admin; its
password is left as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from sqlalchemy.ext.asyncio import async_sessionmaker

from market.config import Settings
from market.db import create_engine
from market.errors import DomainError
from market.services import accounts

PASSWORD_ENV = "BOURSE_ADMIN_PASSWORD"


async def create_admin(settings: Settings, email: str, password: str | None) -> str:
    engine = create_engine(settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            existing = await accounts.by_email(session, email)
            if existing is not None:
                existing.platform_role = "admin"
                return f"compte {existing.id} ({existing.email}) : administrateur"
            if password is None:
                raise DomainError("aucun compte avec cette adresse : un mot de passe est nécessaire pour le créer")
            account = await accounts.register(session, settings, email, password, platform_role="admin")
            return f"compte {account.id} ({account.email}) créé, administrateur"
    finally:
        await engine.dispose()


def _password() -> str:
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Mot de passe (12 caractères au moins) : ")
    if getpass.getpass("Le même, encore une fois : ") != first:
        raise DomainError("les deux mots de passe diffèrent")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m market.accounts", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create the first admin, or make an account admin")
    create.add_argument("email")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        known = asyncio.run(_exists(settings, args.email))
        print(asyncio.run(create_admin(settings, args.email, None if known else _password())))
    except DomainError as exc:
        field = f"« {exc.field} » : " if exc.field else ""
        print(f"refusé : {field}{exc.detail}", file=sys.stderr)
        return 2
    return 0


async def _exists(settings: Settings, email: str) -> bool:
    engine = create_engine(settings)
    try:
        async with async_sessionmaker(engine)() as session:
            return await accounts.by_email(session, email) is not None
    finally:
        await engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
