"""`python -m market.cli COMMAND`: the service's commands (the Makefile's targets call them).

- `create-admin EMAIL`: the first admin, or make an existing account admin. The password comes
  from BOURSE_ADMIN_PASSWORD when set (scripts, CI), otherwise from a prompt asked twice (getpass:
  not echoed, not in the shell's history); never from the command line. An existing account keeps
  its password.
- `refund PLEDGE_ID [--amount-cents N] [--reason TEXT]`: refund a paid pledge, all that is left
  or N cents (the admin route calls the same service).
- `reconcile [--no-progress]`: settle pending pledges whose webhook never came, then mail the
  receipts that have not gone out.
- `send-outbox [--requeue-interrupted MINUTES]`: send the emails waiting in the outbox (safe to run
  again and from several machines: each email is claimed by one run); rows a dead run left in
  `sending` for longer than MINUTES are sent again only when asked (they may have gone out).
- `digest`: queue each account's daily digest of its match notifications, then send the outbox.
- `search-alerts`: queue the saved searches' digests that are due, then send the outbox.
- `freshness`: ask « toujours d'actualité ? » of the listings nobody updated, mark stale the unanswered
  ones, archive the long-stale ones, then send the outbox.
- `initiative-alerts [--days N]`: tell the offers that the initiatives published in the last N days (7)
  match above the relevance floor (each pair once), then send the outbox.
- `backfill-embeddings [--no-progress]`: compute the text embeddings of the listings written while
  the model was down (or by another model), in batches; what people wrote is left as it is.
- `worker [--concurrency N] [--keep-finished]`: on PostgreSQL, a worker of the job queue: it runs
  every job above on its schedule (docs/notifications.md); run as many as you like. On SQLite the
  application runs them itself.
- `feedback [--database URL] [--json]`: the declined matches per kind, and those declined as not
  relevant (what `python -m matching.evaluate --database` reports; docs/matching.md).
- `import KIND FILE [--dry-run] [--valid-only] [--publish]`: import a CSV file of listings (docs/admin.md,
  « Importer un fichier »); prints the report line by line, exits with 2 when a line has an error.

A refused action prints « refusé : … » in French and exits with 2.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from market.accounts import service as accounts
from market.config import Settings
from market.db import session_scope
from market.errors import DomainError
from market.imports import command as imports
from market.jobs.backfill import embedding_backfill
from market.jobs.reconcile import run_reconcile
from market.matches import feedback as match_feedback
from market.models import utcnow
from market.notifications import jobs
from market.pledges.payments import StripeGateway
from market.pledges.receipts import euros
from market.pledges.refunds import refund_pledge

__all__ = ["create_admin", "main", "refund", "run_reconcile"]
SQLITE_WORKER = ("pas de file de travaux sur SQLite : l'application fait elle-même ces travaux, "
                 "avec son planificateur intégré (JOBS_IN_PROCESS) ; lancez seulement `make run`")

PASSWORD_ENV = "BOURSE_ADMIN_PASSWORD"


async def create_admin(settings: Settings, email: str, password: str | None) -> str:
    async with session_scope(settings) as session:
        existing = await accounts.by_email(session, email)
        if existing is not None:
            existing.platform_role = "admin"
            existing.email_verified_at = existing.email_verified_at or utcnow()  # the operator vouches
            return f"compte {existing.id} ({existing.email}) : administrateur"
        if password is None:
            raise DomainError("aucun compte avec cette adresse : un mot de passe est nécessaire pour le créer")
        account = await accounts.register(session, settings, email, password, platform_role="admin",
                                          verified=True)  # the operator vouches for the address
        return f"compte {account.id} ({account.email}) créé, administrateur"


async def _account_exists(settings: Settings, email: str) -> bool:
    async with session_scope(settings) as session:
        return await accounts.by_email(session, email) is not None


def _password() -> str:
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():  # a script or CI: no one can type it
        raise DomainError(f"pas de terminal pour taper le mot de passe : donnez-le dans la variable "
                          f"d'environnement {PASSWORD_ENV}")
    first = getpass.getpass("Mot de passe (12 caractères au moins) : ")
    if getpass.getpass("Le même, encore une fois : ") != first:
        raise DomainError("les deux mots de passe diffèrent")
    return first


async def refund(settings: Settings, pledge_id: int, amount: int | None, reason: str | None) -> str:
    gateway = StripeGateway(settings)
    try:
        async with session_scope(settings) as session:
            done = await refund_pledge(session, gateway, pledge_id, amount, reason)
        return (f"promesse {pledge_id} : {euros(done.amount_cents)} remboursés "
                f"(remboursement Stripe {done.stripe_refund_id})")
    finally:
        await gateway.close()


async def feedback(settings: Settings) -> dict:
    async with session_scope(settings) as session:
        return await match_feedback.declined(session)


def _feedback_lines(figures: dict) -> str:
    return "\n".join(f"{kind} : {f['declined']} déclinés sur {f['matches']} ({100 * f['declined_share']:.1f} %), "
                     f"dont {f['not_relevant']} « pas pertinent » ({100 * f['not_relevant_share']:.1f} %)"
                     for kind, f in figures.items())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m market.cli", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create the first admin, or make an account admin")
    admin.add_argument("email")
    refunds = commands.add_parser("refund", help="refund a paid pledge, in full or in part")
    refunds.add_argument("pledge_id", type=int)
    refunds.add_argument("--amount-cents", type=int, default=None, help="partial refund, in euro cents")
    refunds.add_argument("--reason", default=None, help="a note kept with the refund")
    settle = commands.add_parser("reconcile", help="settle pending pledges by asking Stripe")
    settle.add_argument("--no-progress", action="store_true", help="no progress bar")
    outbox = commands.add_parser("send-outbox", help="send the emails waiting in the outbox")
    outbox.add_argument("--requeue-interrupted", type=int, default=None, metavar="MINUTES",
                        help="first put back rows a dead run left in 'sending' this long ago")
    commands.add_parser("digest", help="queue and send the daily digests of match notifications")
    commands.add_parser("search-alerts", help="queue and send the saved searches' digests that are due")
    commands.add_parser("freshness", help="ask, mark stale and archive listings nobody keeps up to date")
    reverse = commands.add_parser("initiative-alerts", help="tell the offers matched by new initiatives")
    reverse.add_argument("--days", type=int, default=7, help="initiatives published in the last N days")
    vectors = commands.add_parser("backfill-embeddings", help="embed the listings written while the model was down")
    vectors.add_argument("--no-progress", action="store_true", help="no progress bar")
    worker = commands.add_parser("worker", help="run a worker of the job queue (PostgreSQL)")
    worker.add_argument("--concurrency", type=_positive, default=1, help="jobs run at once (1)")
    worker.add_argument("--keep-finished", action="store_true", help="keep succeeded jobs in the queue's tables")
    said = commands.add_parser("feedback", help="the declined matches per kind, and those declined as not relevant")
    said.add_argument("--database", default=None, metavar="URL", help="database URL (default: DATABASE_URL)")
    said.add_argument("--json", action="store_true", help="print one JSON object")
    _import_parser(commands)
    return parser


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("au moins 1")
    return value


def _worker(settings: Settings, concurrency: int, keep_finished: bool) -> int:
    if settings.is_sqlite:
        print(SQLITE_WORKER, file=sys.stderr)
        return 2
    from market.jobs.worker import run_worker

    asyncio.run(run_worker(settings, concurrency, keep_finished=keep_finished))
    return 0


def _import_parser(commands: Any) -> None:
    found = commands.add_parser("import", help="import a CSV file of listings (dry run, all or nothing, valid lines)")
    found.add_argument("kind", help="initiative, support_provider, takeover or volunteer_offer")
    found.add_argument("file", type=Path)
    found.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    found.add_argument("--valid-only", action="store_true", help="write the valid lines even if others have errors")
    found.add_argument("--publish", action="store_true", help="publish the created listings at once")
    found.add_argument("--no-progress", action="store_true", help="no progress bar")


def _run_import(settings: Settings, args: argparse.Namespace) -> int:
    mode: imports.Mode = "dry_run" if args.dry_run else "valid_only" if args.valid_only else "all_or_nothing"
    report = asyncio.run(imports.import_file(settings, args.kind, args.file, mode, args.publish,
                                             progress=not args.no_progress))
    imports.print_report(report, sys.stdout)
    return 2 if report.has_errors else 0


def _summary(outcome: Counter[str]) -> str:
    return ", ".join(f"{name}: {count}" for name, count in sorted(outcome.items()) if count) or "rien à faire"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    if args.command == "feedback":  # reads only; the URL may name another database than the service's
        figures = asyncio.run(feedback(Settings.from_env(database_url=args.database) if args.database else settings))
        print(json.dumps(figures, ensure_ascii=False) if args.json else _feedback_lines(figures))
        return 0
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "create-admin":
            known = asyncio.run(_account_exists(settings, args.email))
            print(asyncio.run(create_admin(settings, args.email, None if known else _password())))
        elif args.command == "send-outbox":
            outcome = asyncio.run(jobs.send_outbox(settings, args.requeue_interrupted))
            print(_summary(outcome))
            return 1 if outcome.get("failed") else 0
        elif args.command == "initiative-alerts":
            outcome = asyncio.run(jobs.initiative_alerts(settings, args.days))
            print(_summary(outcome))
            return 1 if outcome.get("failed") else 0
        elif args.command in ("digest", "search-alerts", "freshness"):
            job = {"digest": jobs.daily_digest, "search-alerts": jobs.saved_search_alerts,
                   "freshness": jobs.listing_freshness}[args.command]
            outcome = asyncio.run(job(settings))
            print(_summary(outcome))
            return 1 if outcome.get("failed") else 0
        elif args.command == "worker":
            return _worker(settings, args.concurrency, args.keep_finished)
        elif args.command == "backfill-embeddings":
            outcome = asyncio.run(embedding_backfill(settings, progress=not args.no_progress))
            if outcome.get("no_model"):
                print("modèle de vecteurs indisponible : rien n'est calculé (la prochaine exécution réessaiera)",
                      file=sys.stderr)
                return 1
            print(_summary(outcome))
            return 0
        elif args.command == "import":
            return _run_import(settings, args)
        elif args.command == "refund":
            print(asyncio.run(refund(settings, args.pledge_id, args.amount_cents, args.reason)))
        else:
            outcomes = asyncio.run(run_reconcile(settings, not args.no_progress))
            print(", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items())) or "rien à faire")
            return 1 if outcomes.get("stripe_unavailable") else 0
    except DomainError as exc:
        field = f"« {exc.field} » : " if exc.field else ""
        print(f"refusé : {field}{exc.detail}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
