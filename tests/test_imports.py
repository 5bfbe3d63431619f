"""CSV import of listings (market/imports): the dry run's report per line, all or nothing, the valid
lines only, labels or codes, `;` and a BOM, updates by `id`, publication by an admin, the command
line, and the back office's upload page (admins only, CSRF, size limit)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from market.access import SYSTEM, Identity
from market.cli import main as cli
from market.config import Settings
from market.db import session_scope
from market.errors import Forbidden
from market.imports import service as imports
from market.imports.report import ImportReport, Mode
from market.listings import kinds
from market.models import Initiative, ModerationAction
from tests.admin_helpers import signed_in_as
from tests.browser import csrf
from tests.helpers import run
from tests.people import make_person

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
HEADER = "title,description,commune,themes,maturity,economic_purpose,org_form,stance,needs,contact_name,contact_email"
GOOD = ('Épicerie solidaire des Lilas,"Une épicerie solidaire associative, ouverte deux fois par semaine.",90010,'
        'food|solidarity,launch,non_profit,association,alternative,premises|funding,Camille,camille@example.org')
BAD_COMMUNE = ('Atelier vélo,"Un atelier de réparation de vélos par des bénévoles, pièces de réemploi.",99999,'
               'mobility,emergence,non_profit,association,alternative,premises,Lou,lou@example.org')
BAD_CELLS = ('Ja,"Trop court ?",90010,cuisine,launch,non_profit,association,alternative,premises,'
             'Sam,pas-une-adresse')


def _import(settings: Settings, text: str | bytes, mode: Mode = "dry_run", kind: str = "initiative",
            actor: Identity = SYSTEM, publish: bool = False) -> ImportReport:
    raw = text.encode("utf-8") if isinstance(text, str) else text

    async def go() -> ImportReport:
        async with session_scope(settings) as session:
            return await imports.run(session, kinds.KINDS[kind], raw, settings, actor=actor, mode=mode,
                                     publish=publish)
    return run(go())


def _count(settings: Settings, model: Any = Initiative, **where: Any) -> int:
    async def go() -> int:
        async with session_scope(settings) as session:
            conditions = [getattr(model, name) == value for name, value in where.items()]
            return int(await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)
    return run(go())


def _errors(report: ImportReport) -> list[tuple[int, str, str, str]]:
    return [(line.line, e.column, e.value, e.reason) for line in report.lines for e in line.errors]


def test_dry_run_reports_each_line_and_writes_nothing(moderated_client: TestClient,
                                                      moderated_settings: Settings) -> None:
    report = _import(moderated_settings, "\n".join([HEADER, GOOD, BAD_COMMUNE, BAD_CELLS]) + "\n")
    assert [(line.line, line.action) for line in report.lines] == [(2, "create"), (3, "error"), (4, "error")]
    assert report.lines[0].title == "Épicerie solidaire des Lilas" and report.outcome(report.lines[0]) == "à créer"
    errors = _errors(report)
    assert (3, "commune", "99999", "commune inconnue : « 99999 » (code INSEE attendu)") in errors
    assert any(e[:3] == (4, "themes", "cuisine") and "code ou libellé inconnu" in e[3] for e in errors)
    assert not report.written and "essai à blanc" in report.summary()
    assert _count(moderated_settings) == 0


def test_schema_errors_name_the_column_in_french(moderated_client: TestClient, moderated_settings: Settings) -> None:
    line = GOOD.replace("Épicerie solidaire des Lilas", "Ép").replace("camille@example.org", "camille")
    report = _import(moderated_settings, f"{HEADER}\n{line}\n")
    [(number, column, value, reason)] = _errors(report)
    assert (number, column, value) == (2, "title", "Ép") and reason == "trop court (au moins 3 caractères)"
    fixed = _import(moderated_settings, f"{HEADER}\n{line.replace(',Ép,', ',Épicerie,').replace('Ép,', 'Épi,')}\n")
    assert [e[1:3] for e in _errors(fixed)] == [("contact_email", "camille")]
    missing = _import(moderated_settings, "title,description\nA,B\n")
    assert {e[1] for e in _errors(missing)} >= {"commune", "themes", "contact_email"}
    assert all(e[3] == "colonne obligatoire absente" for e in _errors(missing))
    unknown = _import(moderated_settings, f"{HEADER},couleur\n{GOOD},bleu\n")
    assert _errors(unknown)[0][:2] == (1, "couleur") and "colonne inconnue" in _errors(unknown)[0][3]


def test_all_or_nothing_then_valid_lines_only(moderated_client: TestClient, moderated_settings: Settings) -> None:
    text = "\n".join([HEADER, GOOD, BAD_COMMUNE]) + "\n"
    refused = _import(moderated_settings, text, mode="all_or_nothing")
    assert not refused.written and refused.lines[0].listing_id is None
    assert "non écrite (le fichier a des erreurs)" in refused.outcome(refused.lines[0])
    assert _count(moderated_settings) == 0
    kept = _import(moderated_settings, text, mode="valid_only")
    assert kept.written and kept.count("create") == 1 and kept.count("error") == 1
    assert _count(moderated_settings) == 1
    assert _count(moderated_settings, status="pending_review") == 1  # imported listings go through moderation
    assert _count(moderated_settings, ModerationAction, action="submit") == 1


def test_labels_codes_semicolons_and_bom(moderated_client: TestClient, moderated_settings: Settings) -> None:
    raw = (EXAMPLES / "initiatives.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    report = _import(moderated_settings, raw, mode="all_or_nothing")
    assert report.separator == ";" and report.count("create") == 2 and not _errors(report), _errors(report)

    async def stored() -> list[tuple[Any, ...]]:
        async with session_scope(moderated_settings) as session:
            rows = await session.scalars(select(Initiative).order_by(Initiative.id))
            return [(i.themes, i.maturity, i.org_form, i.stance, i.needs, i.tax_receipt_eligible)
                    for i in rows]
    labels, codes = run(stored())
    assert labels == (["food", "solidarity"], "launch", "association", "alternative", ["premises", "funding"], True)
    assert codes == (["mobility", "circular_economy"], "emergence", "informal_collective", "alternative",
                     ["premises", "skills"], False)


@pytest.mark.parametrize("example, kind", [("support_providers.csv", "support_provider"),
                                           ("takeovers.csv", "takeover"), ("volunteer_offers.csv", "volunteer_offer")])
def test_every_example_file_imports(moderated_client: TestClient, moderated_settings: Settings,
                                    example: str, kind: str) -> None:
    report = _import(moderated_settings, (EXAMPLES / example).read_bytes(), mode="all_or_nothing", kind=kind)
    assert report.written and not _errors(report), _errors(report)
    assert report.count("create") == len((EXAMPLES / example).read_text().strip().splitlines()) - 1


def test_a_line_with_an_id_updates_that_listing(moderated_client: TestClient, moderated_settings: Settings) -> None:
    created = _import(moderated_settings, f"{HEADER}\n{GOOD}\n", mode="all_or_nothing", publish=True)
    number = created.lines[0].listing_id
    assert number is not None and created.outcome(created.lines[0]) == "créée et publiée"
    assert _count(moderated_settings, status="published") == 1
    text = f"id,title,team_size\n{number},Épicerie solidaire des Lilas et du Parc,8\n99999,Inconnue,3\n"
    dry = _import(moderated_settings, text)
    assert [(line.action, line.listing_id) for line in dry.lines] == [("update", number), ("error", None)]
    assert _errors(dry)[0][:3] == (3, "id", "99999")
    done = _import(moderated_settings, text, mode="valid_only")
    assert done.outcome(done.lines[0]) == "mise à jour"
    assert _count(moderated_settings, title="Épicerie solidaire des Lilas et du Parc", team_size=8,
                  status="published") == 1  # an admin's update keeps the listing published
    assert _count(moderated_settings) == 1


def test_only_admins_import(moderated_client: TestClient, moderated_settings: Settings) -> None:
    moderator = make_person(moderated_settings, "moderator")
    identity = Identity(account_id=moderator.account_id or 0, email="m@example.org", display_name="m",
                        platform_role="moderator")
    with pytest.raises(Forbidden):
        _import(moderated_settings, f"{HEADER}\n{GOOD}\n", actor=identity)


def test_not_utf8_is_refused_in_french(moderated_client: TestClient, moderated_settings: Settings) -> None:
    with pytest.raises(Exception, match="pas en UTF-8"):
        _import(moderated_settings, f"{HEADER}\n{GOOD}\n".encode("latin-1"))


def test_command_line_import(moderated_client: TestClient, moderated_settings: Settings, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", moderated_settings.database_url)
    monkeypatch.setenv("SECRET_KEY", moderated_settings.secret_key)
    monkeypatch.setenv("EMBEDDING_MODEL", "")
    path = tmp_path / "lignes.csv"
    path.write_text("\n".join([HEADER, GOOD, BAD_COMMUNE]) + "\n", encoding="utf-8")
    assert _cli(["import", "initiative", str(path), "--dry-run", "--no-progress"]) == 2
    out = capsys.readouterr().out
    assert "ligne 2 : à créer · Épicerie solidaire des Lilas" in out
    assert "ligne 3 : erreur : non écrite" in out
    assert "  colonne « commune », valeur « 99999 » : commune inconnue" in out
    assert _cli(["import", "initiatives", str(path), "--valid-only", "--no-progress"]) == 2
    assert "créée" in capsys.readouterr().out and _count(moderated_settings) == 1
    path.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "market.cli", "import", "initiative", str(path)],
                          capture_output=True, text=True, timeout=120, env={**_env(), "DATABASE_URL":
                          moderated_settings.database_url, "SECRET_KEY": moderated_settings.secret_key,
                          "EMBEDDING_MODEL": ""})
    assert done.returncode == 0, done.stderr
    assert "1 ligne : 1 créée(s), 0 mise(s) à jour ; 0 en erreur" in done.stdout
    assert "lignes" in done.stderr  # the progress bar
    assert _count(moderated_settings) == 2


def _cli(args: list[str]) -> int:
    """The command's main, on a thread of its own: under Playwright (the browser tests, same session) an
    event loop already runs in this thread, and the command starts its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(cli, args).result()


def _env() -> dict[str, str]:
    import os
    return {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}


def _upload(web: TestClient, content: bytes, **fields: str) -> Any:
    token = csrf(web)["X-CSRFToken"]
    return web.post("/admin/import", data={"_csrf_token": token, "kind": "initiative", "mode": "dry_run", **fields},
                    files={"file": ("annonces.csv", content, "text/csv")}, follow_redirects=False)


def test_upload_page_for_admins_only(moderated_client: TestClient, moderated_settings: Settings) -> None:
    anonymous = moderated_client.get("/admin/import", headers={"Authorization": ""}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")
    moderator = make_person(moderated_settings, "moderator")
    with signed_in_as(moderated_client, moderator) as web:
        refused = web.get("/admin/import")
        assert refused.status_code == 403 and "réservé aux administrateurs" in refused.text
        assert 'href="/admin/import"' not in web.get("/admin/").text  # the menu offers it to admins only
        assert _upload(web, f"{HEADER}\n{GOOD}\n".encode()).status_code == 403
    leader = make_person(moderated_settings, "project_leader")
    with signed_in_as(moderated_client, leader) as web:
        assert web.get("/admin/import").status_code == 403
    admin = make_person(moderated_settings, "admin")
    with signed_in_as(moderated_client, admin) as web:
        page = web.get("/admin/import")
        assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
        assert 'href="/admin/import"' in web.get("/admin/").text
        assert 'name="_csrf_token"' in page.text and '<label for="file">' in page.text
        no_token = web.post("/admin/import", data={"kind": "initiative", "mode": "dry_run"},
                            files={"file": ("a.csv", f"{HEADER}\n{GOOD}\n".encode(), "text/csv")})
        assert no_token.status_code == 403
    assert _count(moderated_settings) == 0


def test_upload_dry_run_then_valid_lines(moderated_client: TestClient, moderated_settings: Settings) -> None:
    admin = make_person(moderated_settings, "admin")
    content = ("\ufeff" + "\n".join([HEADER, GOOD, BAD_COMMUNE]).replace(",", ";").replace(
        '"Une épicerie solidaire associative; ouverte deux fois par semaine."',
        "Une épicerie solidaire associative, ouverte deux fois par semaine.").replace(
        '"Un atelier de réparation de vélos par des bénévoles; pièces de réemploi."',
        "Un atelier de réparation de vélos par des bénévoles, pièces de réemploi.") + "\n").encode()
    with signed_in_as(moderated_client, admin) as web:
        dry = _upload(web, content)
        assert dry.status_code == 200, dry.text
        assert "<caption>Résultat ligne par ligne (Initiative, séparateur « ; »)</caption>" in dry.text
        assert '<th scope="row">2</th><td>à créer</td>' in dry.text
        assert "<td>Épicerie solidaire des Lilas</td>" in dry.text
        assert "<td><code>commune</code></td><td>99999</td><td>commune inconnue" in dry.text
        assert "essai à blanc" in dry.text
        assert _count(moderated_settings) == 0
        refused = _upload(web, content, mode="all_or_nothing")
        assert "rien n&#39;est écrit" in refused.text and _count(moderated_settings) == 0
        done = _upload(web, content, mode="valid_only", publish="oui")
        assert "<td>créée et publiée</td>" in done.text
    assert _count(moderated_settings, status="published") == 1


def test_upload_size_limit_and_bad_choices(moderated_client: TestClient, moderated_settings: Settings) -> None:
    from admin.pages.imports import MAX_UPLOAD
    admin = make_person(moderated_settings, "admin")
    with signed_in_as(moderated_client, admin) as web:
        big = _upload(web, (HEADER + "\n").encode() + b"x" * MAX_UPLOAD)
        assert big.status_code == 413 and "fichier trop volumineux : au plus 5 Mo" in big.text
        huge = _upload(web, b"x" * (MAX_UPLOAD + 200 * 1024))
        assert huge.status_code == 413 and "volumineu" in huge.text
        assert _upload(web, GOOD.encode(), kind="dragon").status_code == 400
        latin = _upload(web, f"{HEADER}\n{GOOD}\n".encode("latin-1"))
        assert latin.status_code == 400 and "pas en UTF-8" in latin.text


class BatchCounter:
    """A stand-in model that records each call's batch of texts."""

    name = "batch-counter"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return [[1.0, 0.0, 0.0] for _ in texts]


def test_imported_listings_are_embedded_in_batches(moderated_client: TestClient,
                                                   moderated_settings: Settings) -> None:
    lines = [GOOD.replace("des Lilas", f"numéro {n}") for n in range(70)]
    embedder = BatchCounter()

    async def go() -> ImportReport:
        async with session_scope(moderated_settings) as session:
            return await imports.run(session, kinds.INITIATIVES, "\n".join([HEADER, *lines]).encode(),
                                     moderated_settings, actor=SYSTEM, mode="all_or_nothing",
                                     embedder=embedder)  # type: ignore[arg-type]
    report = run(go())
    assert report.count("create") == 70 and report.embedded == 70
    assert embedder.calls == [64, 6]  # two batches, not 70 calls
    assert _count(moderated_settings, embedding_model="batch-counter") == 70
