"""Why each hard rule passes or fails for one pair, in French (the verdicts themselves come from
`eligibility.check`, so the explanation and the ranking never disagree)."""

from __future__ import annotations

from datetime import date

from matching.geo import distance_km
from matching.reasons import area_reason
from matching.types import Candidate, Initiative, SupportProvider, Takeover
from matching.vocabulary import short_label


def _accepted(list_name: str, accepted: tuple[str, ...], value: str) -> str:
    mine = short_label(list_name, value)
    if not accepted:
        return f"sans restriction (le projet : {mine})"
    names = ", ".join(short_label(list_name, code) for code in accepted)
    verdict = "inclut" if value in accepted else "n'inclut pas"
    return f"accepte : {names} ; {verdict} « {mine} »"


def _distance(ini: Initiative, candidate: Candidate) -> float:
    place = candidate.place  # type: ignore[union-attr]
    return distance_km(ini.place.lat, ini.place.lon, place.lat, place.lon)


def _support(ini: Initiative, p: SupportProvider) -> dict[str, str]:
    covered = area_reason(ini, p)
    return {
        "area": covered or f"n'intervient pas à {ini.place.name} ({ini.place.department})",
        "maturity": _accepted("maturity", p.maturities, ini.maturity),
        "economic_purpose": _accepted("economic_purpose", p.economic_purposes, ini.economic_purpose),
        "org_form": _accepted("org_form", p.org_forms, ini.org_form),
        "stance": _accepted("stance", p.stances, ini.stance),
        "capacity": f"{p.capacity} place(s) ouverte(s)",
    }


def _takeover(ini: Initiative, t: Takeover, today: date) -> dict[str, str]:
    d = _distance(ini, t)
    deadline = t.deadline.strftime("%d/%m/%Y") if t.deadline else None
    return {
        "distance": f"{d:.1f} km pour un rayon de {t.radius_km:.0f} km".replace(".", ","),
        "min_maturity": f"stade minimum « {short_label('maturity', t.min_maturity)} », "
                        f"le projet est au stade « {short_label('maturity', ini.maturity)} »",
        "economic_purpose": _accepted("economic_purpose", t.economic_purposes, ini.economic_purpose),
        "deadline": f"date limite le {deadline} (référence {today.strftime('%d/%m/%Y')})" if deadline
                    else "sans date limite",
    }


def rule_details(ini: Initiative, candidate: Candidate, today: date) -> dict[str, str]:
    if isinstance(candidate, SupportProvider):
        return _support(ini, candidate)
    if isinstance(candidate, Takeover):
        return _takeover(ini, candidate, today)
    d = _distance(ini, candidate)
    where = f"{d:.1f} km pour un rayon de {candidate.radius_km:.0f} km".replace(".", ",")
    return {
        "distance": f"{where}, possible à distance" if candidate.remote_ok else where,
        "hours": f"{candidate.hours} h proposées",
    }
