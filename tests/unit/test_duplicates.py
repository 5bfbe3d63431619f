"""The duplicate detector's signals and its precision and recall on the hand-built pairs (no database)."""

from __future__ import annotations

from admin.duplicates_eval import HOLDOUT, PAIRS, evaluate, places
from admin.services.similarity import Profile, compare, name_score, normalise


def test_names_ignore_accents_articles_and_legal_forms() -> None:
    assert normalise("Association Épicerie Solidaire Les Résidences (SCIC)") == "epicerie solidaire residences"
    assert name_score("AMAP des Pentes", "AMAP Les Pentes de la Croix-Rousse") == 1.0
    assert name_score("Épicerie solidaire de Héricourt", "Épicerie solidaire de Montbéliard") < 0.7


def test_identifiers_settle_it_either_way() -> None:
    a = Profile("Repair Café Lyon 7", "Ateliers de réparation", 45.75, 4.85, rna="W691234567")
    assert compare(a, Profile("Répar'Café", "Autre texte", 45.75, 4.85, rna="W691234567")).score == 1.0
    twin = compare(Profile("Recyclerie", "Réemploi", siren="812345678"),
                   Profile("Recyclerie", "Réemploi", siren="798765432"))
    assert twin.name == 1.0 and twin.score == 0.0 and twin.distance is None


def test_precision_and_recall_on_the_pairs() -> None:
    where = places()
    for path in (PAIRS, HOLDOUT):
        result = evaluate(path, where)
        assert result.precision >= 0.9 and result.recall >= 0.9, (path.name, result.precision, result.recall)
