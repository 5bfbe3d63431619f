"""`python -m market.cli import KIND FILE [--dry-run] [--valid-only] [--publish]`: the import from the
command line, as the system (an operator with the database's settings), with a progress bar and the
report printed line by line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import anyio
from tqdm import tqdm

from market.access import SYSTEM
from market.config import Settings
from market.db import session_scope
from market.errors import InvalidField
from market.imports import table
from market.imports.report import ImportReport, Mode

__all__ = ["Mode", "import_file", "kind_of", "print_report"]
from market.imports.service import run
from market.listings import kinds
from market.listings.spec import KindSpec
from matching.semantic import load_embedder


def kind_of(name: str) -> KindSpec:
    """A kind by its code (`support_provider`) or its resource (`support-providers`)."""
    spec = kinds.KINDS.get(name) or kinds.BY_RESOURCE.get(name)
    if spec is None:
        raise InvalidField(f"type d'annonce inconnu : « {name} » (possibles : {', '.join(kinds.KINDS)})", field="KIND")
    return spec


async def import_file(settings: Settings, kind: str, path: Path, mode: Mode, publish: bool,
                      progress: bool = True) -> ImportReport:
    spec = kind_of(kind)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidField(f"fichier illisible : {path} ({exc.strerror})", field="FILE") from exc
    total = len(table.read(raw).rows)
    embedder = None
    if mode != "dry_run":
        embedder = await anyio.to_thread.run_sync(load_embedder, settings.embedding_model)
    with tqdm(total=total, desc="lignes", unit=" lignes", disable=not progress, file=sys.stderr) as lines, \
         tqdm(total=0, desc="vecteurs", unit=" annonces", disable=not progress or embedder is None,
              file=sys.stderr) as vectors:
        def embedded(count: int) -> None:
            vectors.total += count  # the batches come once the lines are kept
            vectors.update(count)

        async with session_scope(settings) as session:
            return await run(session, spec, raw, settings, actor=SYSTEM, mode=mode, publish=publish,
                             embedder=embedder, on_line=lines.update, on_embed=embedded)


def print_report(report: ImportReport, out: TextIO) -> None:
    for line in report.lines:
        title = f" · {line.title}" if line.title else ""
        number = f" (n° {line.listing_id})" if line.listing_id else ""
        print(f"ligne {line.line} : {report.outcome(line)}{number}{title}", file=out)
        for error in line.errors:
            print(f"  colonne « {error.column} », valeur « {error.value} » : {error.reason}", file=out)
    print(report.summary(), file=out)
