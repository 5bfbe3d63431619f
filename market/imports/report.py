"""What an import did, or would do in a dry run: per line, the listing created or updated and every
error (line, column, value, reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from market.imports.cells import CellError

Action = Literal["create", "update", "error"]
Mode = Literal["dry_run", "all_or_nothing", "valid_only"]
MODES: tuple[Mode, ...] = ("dry_run", "all_or_nothing", "valid_only")


@dataclass
class LineResult:
    line: int
    action: Action
    title: str = ""
    listing_id: int | None = None  # the listing updated, or created (none in a dry run)
    errors: list[CellError] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    mode: Mode
    separator: str = ","
    lines: list[LineResult] = field(default_factory=list)
    written: bool = False
    published: bool = False
    embedded: int = 0

    def count(self, action: Action) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def has_errors(self) -> bool:
        return self.count("error") > 0

    def outcome(self, line: LineResult) -> str:
        """What became of the line, in French."""
        if line.action == "error":
            return "erreur : non écrite"
        if not self.written:
            future = {"create": "à créer", "update": "à mettre à jour"}[line.action]
            return future if self.mode == "dry_run" else f"{future}, non écrite (le fichier a des erreurs)"
        return {"create": "créée", "update": "mise à jour"}[line.action] + (" et publiée" if self.published else "")

    def summary(self) -> str:
        created, updated, errors = self.count("create"), self.count("update"), self.count("error")
        lines = f"{len(self.lines)} ligne{'s' if len(self.lines) != 1 else ''}"
        if self.written:
            done = f"{created} créée(s), {updated} mise(s) à jour"
        elif self.mode == "dry_run":
            done = f"essai à blanc, rien n'est écrit : {created} à créer, {updated} à mettre à jour"
        else:
            done = "rien n'est écrit (le fichier a des erreurs ; corrigez-les, ou importez les lignes valides seules)"
        return f"{lines} : {done} ; {errors} en erreur"
