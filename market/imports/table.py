"""Reading an import file: UTF-8 with or without a BOM, `,` or `;` between cells (the header line
says which), one record per line (a quoted cell may span lines: the record keeps its first line's
number, as a spreadsheet shows it)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from market.errors import InvalidField

MAX_LINES = 20_000


@dataclass
class Table:
    separator: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line number, cells)


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidField(f"le fichier n'est pas en UTF-8 (octet invalide à la position {exc.start}) : "
                           "enregistrez-le au format « CSV UTF-8 »", field="fichier") from exc
    if "\x00" in text:
        raise InvalidField("caractère nul dans le fichier : est-ce bien un CSV ?", field="fichier")
    return text


def sniff(header_line: str) -> str:
    """`;` (French spreadsheets) or `,`: whichever separates the header's names (which hold neither)."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read(raw: bytes) -> Table:
    text = decode(raw)
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if not first.strip():
        raise InvalidField("le fichier est vide : une ligne d'en-tête (les noms des colonnes) est attendue",
                           field="fichier")
    separator = sniff(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    table: Table | None = None
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if table is None:
                table = Table(separator=separator, header=[cell.strip().lower() for cell in cells])
                continue
            if len(table.rows) >= MAX_LINES:
                raise InvalidField(f"trop de lignes : au plus {MAX_LINES} par fichier", field="fichier")
            table.rows.append((start, cells))
    except csv.Error as exc:
        raise InvalidField(f"ligne {reader.line_num} : CSV mal formé ({exc})", field="fichier") from exc
    assert table is not None
    return table
