"""French reasons and gaps for one pair, read from the profiles and the computed components."""

from __future__ import annotations

from matching.geo import distance_km
from matching.opportunity import answers
from matching.skills import best_match, phrase_in
from matching.types import Candidate, Initiative, SupportProvider, Takeover, VolunteerOffer
from matching.vocabulary import short_label

# What an opportunity brings, in the words of a gap ("elle apporte : …").
OFFER_WORDS = {"handover": "une activité à reprendre", "carrier": "le portage de l'activité", "premises": "des locaux",
               "legal_structuring": "un portage juridique", "funding": "un portage financier"}


def _km(value: float) -> str:
    return f"{value:.0f} km" if value >= 10 else f"{value:.1f} km".replace(".", ",")


def area_reason(ini: Initiative, provider: SupportProvider) -> str | None:
    area, place = provider.area, ini.place
    if place.department in area.departments:
        name = area.names.get(place.department) or place.department_name or f"le département {place.department}"
        return f"couvre {name}"
    if place.epci and place.epci in area.epcis:
        return f"couvre {area.names.get(place.epci) or place.epci_name or 'l’intercommunalité ' + place.epci}"
    if place.region in area.regions:
        return f"couvre la région {area.names.get(place.region) or place.region_name or place.region}"
    if any(c.code in (place.code, place.parent) for c in area.communes):
        return f"intervient à {place.name}"
    if area.communes:
        nearest = min(area.communes, key=lambda c: distance_km(place.lat, place.lon, c.lat, c.lon))
        d = distance_km(place.lat, place.lon, nearest.lat, nearest.lon)
        if d <= area.radius_km:
            return f"intervient à {_km(d)} de {nearest.name} (rayon {area.radius_km:.0f} km)"
    if area.national:
        return "intervient partout en France"
    return None


def _needs(ini: Initiative, offered: set[str]) -> tuple[list[str], list[str]]:
    met = [f"répond au besoin « {short_label('need', n)} »" for n in ini.needs if n in offered]
    gaps = [f"ne couvre pas le besoin « {short_label('need', n)} »" for n in ini.needs if n not in offered]
    return met, gaps


def _themes(ini: Initiative, themes: tuple[str, ...]) -> list[str]:
    """A shared theme is a fact about the pair; being open to every theme is not a reason."""
    shared = [short_label("theme", t) for t in ini.themes if t in themes]
    return [f"thématique commune : {', '.join(shared)}"] if shared else []


def _semantic(components: dict[str, float]) -> list[str]:
    """No reason from the embedding cosine: a person cannot check it, and a model that reads no
    French gives about half to any pair (it still weighs in the score)."""
    return []


def _support(ini: Initiative, p: SupportProvider, components: dict[str, float]) -> tuple[list[str], list[str]]:
    reasons = [r for r in [area_reason(ini, p)] if r]
    met, gaps = _needs(ini, set(p.offers))
    reasons += met + _themes(ini, p.themes)
    if ini.maturity in p.maturities:
        reasons.append(f"accompagne les projets au stade « {short_label('maturity', ini.maturity)} »")
    if ini.org_form in p.org_forms:
        reasons.append(f"accompagne la forme « {short_label('org_form', ini.org_form)} »")
    if p.capacity > 0:
        reasons.append(f"{p.capacity} place{'s' if p.capacity > 1 else ''} disponible{'s' if p.capacity > 1 else ''}")
    else:
        gaps.append("aucune place disponible")
    if not p.free_of_charge:
        gaps.append("accompagnement payant")
    return reasons + _semantic(components), gaps


def _located(ini: Initiative, c: Takeover | VolunteerOffer) -> float:
    return distance_km(ini.place.lat, ini.place.lon, c.place.lat, c.place.lon)


def _where(ini: Initiative, c: Takeover | VolunteerOffer) -> str:
    if c.place.code == ini.place.code:
        return f"dans la même commune ({c.place.name})"
    return f"à {_km(_located(ini, c))} ({c.place.name}, rayon {c.radius_km:.0f} km)"


def _takeover(ini: Initiative, t: Takeover, components: dict[str, float]) -> tuple[list[str], list[str]]:
    reasons = [_where(ini, t)]
    offered = answers(t, ini)
    met = [f"répond au besoin « {short_label('need', n)} »" for n in ini.needs if n in offered]
    reasons += met + _themes(ini, t.themes)
    if t.deadline:
        reasons.append(f"ouvert jusqu'au {t.deadline.strftime('%d/%m/%Y')}")
    brings = ", ".join(OFFER_WORDS[t.direction if n == "takeover" else n] for n in offered)
    gaps = [] if met else [f"ne répond à aucun besoin déclaré (elle apporte : {brings})"]
    return reasons + _semantic(components), gaps


def _volunteer(ini: Initiative, v: VolunteerOffer, components: dict[str, float]) -> tuple[list[str], list[str]]:
    reasons, gaps = [], []
    for needed in ini.skills_needed:
        found = best_match(needed, v.skills)
        phrase = None if found else phrase_in(needed, (v.description, *v.skills))
        if phrase:
            reasons.append(f"compétence « {needed} » : l'offre mentionne « {phrase} »")
        elif found is None:
            gaps.append(f"compétence non couverte : « {needed} »")
        elif found.close:
            reasons.append(f"compétence « {needed} » proche de « {found.offered} » "
                           f"({found.via} / {found.offered_skill})")
        elif found.via:
            reasons.append(f"compétence « {needed} » ≈ {found.via} : « {found.offered} »")
        else:
            reasons.append(f"compétence « {needed} » = « {found.offered} »")
    if _located(ini, v) <= v.radius_km:
        reasons.append(_where(ini, v))
    if v.remote_ok:
        reasons.append("possible à distance")
    reasons.append(f"{v.hours} h proposées")
    reasons += _themes(ini, v.themes)
    return reasons + _semantic(components), gaps


def describe(ini: Initiative, candidate: Candidate, components: dict[str, float]) -> tuple[list[str], list[str]]:
    """Reasons the candidate helps (in French), and what it does not cover."""
    if isinstance(candidate, SupportProvider):
        return _support(ini, candidate, components)
    if isinstance(candidate, Takeover):
        return _takeover(ini, candidate, components)
    return _volunteer(ini, candidate, components)
