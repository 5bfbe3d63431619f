"""The measurement: nDCG@10 on hand examples, and `python -m matching.evaluate` on a tiny data
file in the format of ../shared/eval/README.md, without a model."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from matching.dataset import load_dataset
from matching.evaluate import auc, calibration, floor_figures, ndcg, run
from matching.skill_eval import evaluate_skills, normalisation, pairs

ROOT = Path(__file__).resolve().parents[2]


# --- nDCG -------------------------------------------------------------------------------------

def test_ndcg_of_a_perfect_ranking_is_one():
    grades = {"a": 2, "b": 1, "c": 0}
    assert ndcg(["a", "b", "c"], grades) == 1.0
    assert ndcg(["a", "b"], grades) == 1.0  # zero grades add nothing


def test_ndcg_of_the_reversed_ranking():
    grades = {"a": 2, "b": 1, "c": 0}
    # DCG = 0/log2(2) + 1/log2(3) + 3/log2(4); ideal = 3/log2(2) + 1/log2(3)
    expected = (1 / math.log2(3) + 3 / 2) / (3 + 1 / math.log2(3))
    assert ndcg(["c", "b", "a"], grades) == pytest.approx(expected)
    assert ndcg(["c", "b", "a"], grades) == pytest.approx(0.5869, abs=1e-4)
    assert ndcg(["c", "b", "a"], grades) < 1.0


def test_ndcg_counts_unjudged_and_missing_candidates_as_zero():
    grades = {"a": 2, "b": 1}
    assert ndcg(["x", "a", "b"], grades) == pytest.approx((3 / math.log2(3) + 1 / 2) / (3 + 1 / math.log2(3)))
    assert ndcg(["a"], grades) == pytest.approx(3 / (3 + 1 / math.log2(3)))
    assert ndcg([], grades) == 0.0
    assert ndcg(["a", "b"], {"a": 0, "b": 0}) == 0.0  # no positive: no ideal


def test_ndcg_stops_at_k():
    grades = {f"c{i}": 0 for i in range(10)} | {"late": 2}
    ranked = [f"c{i}" for i in range(10)] + ["late"]
    assert ndcg(ranked, grades) == 0.0
    assert ndcg(ranked, grades, k=11) == pytest.approx(1 / math.log2(12))


# --- a tiny judged file -----------------------------------------------------------------------

TERRITORIES = [
    {"code": "90010", "name": "Belfort", "epci": "200069052", "epci_name": "CA Grand Belfort",
     "department": "90", "region": "27", "lat": 47.638, "lon": 6.8628},
    {"code": "70285", "name": "Héricourt", "epci": "247000714", "epci_name": "CC du Pays d'Héricourt",
     "department": "70", "region": "27", "lat": 47.5775, "lon": 6.7617},
    {"code": "25388", "name": "Montbéliard", "epci": "200065647",
     "epci_name": "CA Pays de Montbéliard Agglomération", "department": "25", "region": "27",
     "lat": 47.5097, "lon": 6.7986},
    {"code": "75118", "name": "Paris 18e Arrondissement", "epci": "200054781",
     "epci_name": "Métropole du Grand Paris", "department": "75", "region": "11", "lat": 48.8925, "lon": 2.3444},
]


def _provider(id_, area, *, offers, themes=(), capacity=2, **lists):
    return {"id": id_, "kind": "support_provider", "name": f"Réseau {id_}", "description": "Accompagnement.",
            "area": area, "themes": list(themes), "maturities": lists.get("maturities", []),
            "economic_purposes": lists.get("economic_purposes", []), "org_forms": lists.get("org_forms", []),
            "stances": lists.get("stances", []), "offers": list(offers), "capacity": capacity,
            "free_of_charge": True}


def _takeover(id_, direction, territory, radius, min_maturity, deadline, themes=()):
    return {"id": id_, "kind": "takeover", "direction": direction, "actor_name": f"Acteur {id_}",
            "actor_org_form": "commercial_company", "title": f"Reprise {id_}", "description": "Local à reprendre.",
            "territory": territory, "radius_km": radius, "themes": list(themes), "min_maturity": min_maturity,
            "economic_purposes": [], "deadline": deadline}


def _offer(id_, territory, radius, skills, *, hours=20, remote=False):
    return {"id": id_, "kind": "volunteer_offer", "business_name": f"Entreprise {id_}",
            "description": "Mécénat de compétences.", "skills": list(skills), "hours": hours, "remote_ok": remote,
            "territory": territory, "radius_km": radius, "themes": []}


INELIGIBLE = {
    "I01": ["S03", "S04", "S05", "T02", "T03", "V03", "V04"],
    "I02": ["S01", "S02", "S03", "S04", "T01", "T02", "V03", "V04"],
}
POSITIVES = {
    "I01": {"S01": 2, "S02": 1, "T01": 2, "V01": 2},
    "I02": {"S05": 2, "T03": 1, "V02": 2},
}


def tiny_data() -> dict:
    candidates = [
        _provider("S01", {"departments": ["90"]}, offers=["premises", "funding"], themes=["food"]),
        _provider("S02", {"national": True}, offers=["networking"], org_forms=["association"]),
        _provider("S03", {"regions": ["27"]}, offers=["premises", "funding"], capacity=0),
        _provider("S04", {"national": True}, offers=["funding"], economic_purposes=["for_profit"]),
        _provider("S05", {"regions": ["27"]}, offers=["communication"], themes=["mobility"],
                  stances=["advocacy"]),
        _takeover("T01", "handover", "90010", 12, "launch", "2027-03-31", themes=["food"]),
        _takeover("T02", "handover", "90010", 12, "idea", "2026-11-22"),
        _takeover("T03", "carrier", "70285", 5, "idea", "2027-06-30", themes=["mobility"]),
        _offer("V01", "90010", 20, ["tenue de la compta", "budget prévisionnel"]),
        _offer("V02", "75118", 5, ["CM", "RP"], remote=True),
        _offer("V03", "25388", 5, ["tenue de la compta"]),
        _offer("V04", "75118", 5, ["CM"], remote=True, hours=0),
    ]
    initiatives = [
        {"id": "I01", "title": "Épicerie solidaire des Résidences",
         "description": "Épicerie solidaire associative à Belfort : local, chambre froide et comptabilité.",
         "territory": "90010", "themes": ["food", "solidarity"], "maturity": "launch",
         "economic_purpose": "non_profit", "org_form": "association", "stance": "alternative",
         "needs": ["premises", "funding", "skills"], "skills_needed": ["compta asso"],
         "funding_goal_eur": 25000, "team_size": 12},
        {"id": "I02", "title": "Collectif pour des pistes cyclables à Héricourt",
         "description": "Collectif d'habitants qui milite pour des aménagements cyclables.",
         "territory": "70285", "themes": ["mobility"], "maturity": "idea",
         "economic_purpose": "non_profit", "org_form": "informal_collective", "stance": "advocacy",
         "needs": ["communication", "skills"], "skills_needed": ["CM"], "funding_goal_eur": None,
         "team_size": 5},
    ]
    judgments = {ini["id"]: {c["id"]: POSITIVES[ini["id"]].get(c["id"], 0) for c in candidates}
                 for ini in initiatives}
    return {"initiatives": initiatives, "candidates": candidates, "judgments": judgments,
            "ineligible": INELIGIBLE, "reference_date": "2026-11-23"}


def _write(tmp_path: Path, data: dict) -> tuple[Path, Path]:
    data_path, territories_path = tmp_path / "tiny.json", tmp_path / "territories.json"
    data_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    territories_path.write_text(json.dumps(TERRITORIES, ensure_ascii=False), encoding="utf-8")
    return data_path, territories_path


def test_the_tiny_file_loads_with_its_own_territories(tmp_path):
    data_path, territories_path = _write(tmp_path, tiny_data())
    ds = load_dataset(data_path, territories_path)
    assert [i.id for i in ds.initiatives] == ["I01", "I02"]
    assert [c.kind for c in ds.candidates].count("volunteer_offer") == 4
    assert ds.initiatives[1].place.name == "Héricourt"
    assert ds.initiatives[1].place.epci == "247000714"
    assert str(ds.candidates[7].deadline) == "2027-06-30"
    assert ds.ineligible["I02"] == set(INELIGIBLE["I02"])
    assert str(ds.reference_date) == "2026-11-23"


def test_evaluate_command_prints_one_json_object_last(tmp_path):
    data_path, territories_path = _write(tmp_path, tiny_data())
    done = subprocess.run(
        [sys.executable, "-m", "matching.evaluate", "--data", str(data_path), "--territories",
         str(territories_path), "--model", "", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) > 1  # the table, then the object
    result = json.loads(lines[-1])
    assert {"ndcg10", "ineligible_in_top10", "eligibility_mismatches", "baselines"} <= set(result)
    assert set(result["ndcg10"]) == {"support_provider", "takeover", "volunteer_offer", "overall"}
    assert result["ndcg10"] == {"support_provider": 1.0, "takeover": 1.0, "volunteer_offer": 1.0, "overall": 1.0}
    assert result["ineligible_in_top10"] == 0
    assert result["eligibility_mismatches"] == 0
    assert result["semantic"] is False
    assert set(result["baselines"]) == {"random_eligible", "keyword_all", "keyword_eligible", "codes_eligible"}
    for name, scores in result["baselines"].items():
        assert set(scores) == {"support_provider", "takeover", "volunteer_offer", "overall"}, name
        assert all(0.0 <= v <= 1.0 for v in scores.values()), name
    # I02 has one eligible candidate of each kind, I01 two providers and two offers: a random
    # order of the eligible set is perfect for takeovers and for I02 (and the mean of the three
    # kinds is reported as overall)
    assert result["baselines"]["random_eligible"]["takeover"] == 1.0
    random = result["baselines"]["random_eligible"]
    assert random["overall"] == pytest.approx(
        (random["support_provider"] + random["takeover"] + random["volunteer_offer"]) / 3, abs=1e-4)
    assert "engine" in done.stdout
    assert "gain over best baseline" in done.stdout


def test_mismatches_count_both_directions(tmp_path):
    data = tiny_data()
    # claim an eligible pair is ineligible (V01 for I01), and forget a truly ineligible one (S03 for I02)
    data["ineligible"] = {"I01": [*INELIGIBLE["I01"], "V01"], "I02": [c for c in INELIGIBLE["I02"] if c != "S03"]}
    result = run(*map(str, _write(tmp_path, data)), model="")
    assert result["eligibility_mismatches"] == 2
    # V01 is ranked (it is eligible) and the file says it must not be: it is in the top 10
    assert result["ineligible_in_top10"] == 1


def test_kinds_without_a_positive_are_left_out_of_the_mean(tmp_path):
    data = tiny_data()
    data["judgments"]["I02"]["T03"] = 0  # no takeover positive for I02 any more
    data["judgments"]["I01"]["V01"] = 0
    data["judgments"]["I01"]["V02"] = 2  # the remote CM is now the one I01 wants
    result = run(*map(str, _write(tmp_path, data)), model="")
    assert result["ndcg10"]["takeover"] == 1.0  # I01 alone
    # I01's volunteer ranking puts the accountant first: V02 second -> 1/log2(3)
    assert result["ndcg10"]["volunteer_offer"] == pytest.approx((1 / math.log2(3) + 1.0) / 2, abs=1e-4)


# --- calibration ------------------------------------------------------------------------------

def test_auc_is_the_chance_a_positive_outscores_a_negative():
    assert auc([90, 80], [10, 20]) == 1.0
    assert auc([10], [90]) == 0.0
    assert auc([50], [50]) == 0.5  # ties count half
    assert auc([90, 40], [50, 10]) == 0.75  # 40 loses to 50 only
    assert auc([], [1]) == 0.0


def test_floor_figures_count_what_the_floor_shows():
    pairs_ = [(80, 2), (60, 2), (40, 2), (70, 1), (55, 0), (20, 0)]
    # shown at 50: 80, 60, 70, 55 -> three of them grade >= 1; two of the three grade-2 pairs
    assert floor_figures(pairs_, 50) == {"score": 50, "recall_2": round(2 / 3, 4), "precision": 0.75}
    assert floor_figures(pairs_, 0)["recall_2"] == 1.0
    assert floor_figures(pairs_, 99) == {"score": 99, "recall_2": 0.0, "precision": 0.0}


def test_calibration_pools_the_kinds_for_overall():
    scored = {"support_provider": [(90, 2), (10, 0)], "takeover": [(30, 1), (40, 0)], "volunteer_offer": []}
    found = calibration(scored, 35)
    assert found["auc"] == {"support_provider": 1.0, "takeover": 0.0, "volunteer_offer": 0.0,
                            "overall": 0.75}  # 90 beats both negatives, 30 beats 10 only
    assert found["floor"] == {"score": 35, "recall_2": 1.0, "precision": 0.5}


# --- skills file ------------------------------------------------------------------------------

SKILLS = {
    "normalisation": [
        {"id": "A1", "text": "tenue de la compta", "side": "needed", "skills": ["comptabilité"]},
        {"id": "A2", "text": "graphisme et rédaction", "side": "offered", "skills": ["graphisme", "rédaction"]},
        {"id": "A3", "text": "un grand merci", "side": "needed", "skills": []},
        {"id": "A4", "text": "la compta", "side": "needed", "skills": ["comptabilité", "gestion financière"]},
    ],
    "pairs": [
        {"id": "B1", "needed": "compta", "offered": "tenue de la comptabilité", "grade": 2},
        {"id": "B2", "needed": "graphisme", "offered": "un grand merci", "grade": 2},
        {"id": "B3", "needed": "compta", "offered": "comptabilité analytique", "grade": 1},
        {"id": "B4", "needed": "graphisme", "offered": "graphisme", "grade": 0},
    ],
}


def test_normalisation_figures_are_micro_precision_recall_and_exact_sets():
    found = normalisation(SKILLS["normalisation"])
    # named: comptabilité, graphisme, rédaction, comptabilité (4, all right); expected 5; exact A1-A3
    assert found == {"precision": 1.0, "recall": 0.8, "exact": 0.75}


def test_pair_figures_are_claim_precision_and_recall_by_grade():
    found = pairs(SKILLS["pairs"])
    # claims B1, B3, B4 (B4 a false claim on a grade-0 pair); B2 not found
    assert found == {"precision": round(2 / 3, 4), "recall_2": 0.5, "recall_1": 1.0}


def test_evaluate_command_reports_skills_and_calibration(tmp_path):
    data_path, territories_path = _write(tmp_path, tiny_data())
    skills_path = tmp_path / "skills.json"
    skills_path.write_text(json.dumps(SKILLS, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "matching.evaluate", "--data", str(data_path), "--territories",
         str(territories_path), "--model", "", "--skills", str(skills_path), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["skills"] == evaluate_skills(skills_path)
    assert set(result["skills"]) == {"normalisation", "pairs"}
    assert set(result["skills"]["pairs"]) == {"precision", "recall_2", "recall_1"}
    assert set(result["calibration"]["auc"]) == {"support_provider", "takeover", "volunteer_offer", "overall"}
    assert set(result["calibration"]["floor"]) == {"score", "recall_2", "precision"}
    assert all(0.0 <= v <= 1.0 for v in result["calibration"]["auc"].values())
    assert "skills normalisation" in done.stdout and "score AUC" in done.stdout
