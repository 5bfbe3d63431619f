"""What the form of each kind of listing asks, in the order people fill it (French labels and hints)."""

from __future__ import annotations

from api.pages.forms import Field, ListingForm

_CONTACT = "Contact (montré aux partenaires seulement quand les deux parties ont accepté)"
CONTACT = (
    Field("contact.name", "Nom", required=True, group=_CONTACT, autocomplete="name"),
    Field("contact.email", "Adresse email", "email", required=True, group=_CONTACT, autocomplete="email"),
    Field("contact.phone", "Téléphone", group=_CONTACT, autocomplete="tel"),
)
DESCRIPTION = "Description"

INITIATIVE = ListingForm(
    "Proposer une initiative", "Modifier l'initiative",
    (
        Field("title", "Titre", required=True),
        Field("description", DESCRIPTION, "textarea", required=True,
              hint="Ce que fait l'initiative, où elle en est (20 caractères au moins)"),
        Field("commune", "Code INSEE de la commune", "commune", required=True,
              hint="5 caractères, par exemple 70310 pour Héricourt"),
        Field("themes", "Thématiques", "checks", "theme"),
        Field("maturity", "Maturité", "select", "maturity", required=True),
        Field("economic_purpose", "Finalité économique", "select", "economic_purpose", required=True),
        Field("org_form", "Forme d'organisation", "select", "org_form", required=True),
        Field("stance", "Posture", "select", "stance", required=True),
        Field("needs", "Besoins (dans l'ordre d'importance)", "checks", "need", ordered=True),
        Field("skills_needed", "Compétences qui vous manquent", "words",
              hint="Séparées par des virgules : comptabilité, communication…"),
        Field("funding_goal_euros", "Objectif de financement (en euros)", "euros",
              hint="Laissez vide si l'initiative ne reçoit pas de dons", sent_as="funding_goal_cents"),
        Field("tax_receipt_eligible", "L'organisme est d'intérêt général et peut délivrer un reçu fiscal "
              "(associations et collectivités seulement)", "flag"),
        Field("team_size", "Nombre de personnes dans l'équipe", "number"),
        *CONTACT,
    ),
)

_AREA = "Zone d'intervention (au moins une)"
SUPPORT_PROVIDER = ListingForm(
    "Proposer une structure d'accompagnement", "Modifier la structure d'accompagnement",
    (
        Field("name", "Nom de la structure", required=True, autocomplete="organization"),
        Field("description", DESCRIPTION, "textarea", required=True,
              hint="Ce que vous proposez aux initiatives, comment (20 caractères au moins)"),
        Field("offers", "Ce que vous offrez (par ordre d'importance)", "checks", "need", ordered=True),
        Field("capacity", "Nombre d'accompagnements possibles par an", "number", required=True),
        Field("free_of_charge", "Accompagnement gratuit", "flag"),
        Field("area.national", "France entière", "flag", group=_AREA),
        Field("area.regions", "Régions (codes INSEE)", "words", group=_AREA,
              hint="Séparés par des virgules, par exemple 27 pour la Bourgogne-Franche-Comté"),
        Field("area.departments", "Départements (codes)", "words", group=_AREA,
              hint="Séparés par des virgules, par exemple 25, 70, 90"),
        Field("area.communes", "Communes (codes INSEE)", "words", group=_AREA,
              hint="Séparés par des virgules, par exemple 25056, 70310"),
        Field("area.radius_km", "Rayon autour de ces communes, en km", "number", group=_AREA),
        Field("themes", "Thématiques (aucune : toutes)", "checks", "theme"),
        Field("maturities", "Maturités accompagnées (aucune : toutes)", "checks", "maturity"),
        Field("economic_purposes", "Finalités économiques (aucune : toutes)", "checks", "economic_purpose"),
        Field("org_forms", "Formes d'organisation (aucune : toutes)", "checks", "org_form"),
        Field("stances", "Postures (aucune : toutes)", "checks", "stance"),
        Field("website", "Site internet", hint="Commençant par https://", autocomplete="url"),
        *CONTACT,
    ),
    error_aliases={"area": "area.departments"},
    initial={"free_of_charge": "oui"},
)

TAKEOVER = ListingForm(
    "Proposer une reprise d'activité", "Modifier la reprise d'activité",
    (
        Field("direction", "Sens de la reprise", "select", "direction", required=True),
        Field("actor_name", "Qui cède ou qui reprend", required=True, autocomplete="organization",
              hint="Le nom de l'entreprise, de l'association ou de la personne"),
        Field("actor_org_form", "Sa forme d'organisation", "select", "org_form", required=True),
        Field("title", "Titre", required=True),
        Field("description", DESCRIPTION, "textarea", required=True,
              hint="L'activité, ce qui est cédé ou recherché, les conditions (20 caractères au moins)"),
        Field("commune", "Code INSEE de la commune", "commune", required=True,
              hint="5 caractères, par exemple 25388 pour Montbéliard"),
        Field("radius_km", "Rayon de recherche en km", "number", required=True),
        Field("min_maturity", "Maturité minimale des initiatives", "select", "maturity", required=True),
        Field("themes", "Thématiques (aucune : toutes)", "checks", "theme"),
        Field("economic_purposes", "Finalités économiques (aucune : toutes)", "checks", "economic_purpose"),
        Field("deadline", "Date limite", "date", hint="Laissez vide s'il n'y en a pas"),
        *CONTACT,
    ),
)

VOLUNTEER_OFFER = ListingForm(
    "Proposer du mécénat de compétences", "Modifier l'offre de mécénat",
    (
        Field("business_name", "Entreprise", required=True, autocomplete="organization"),
        Field("title", "Titre de l'offre", required=True),
        Field("description", DESCRIPTION, "textarea", required=True,
              hint="Ce que vos salariés proposent, quand et comment (20 caractères au moins)"),
        Field("skills", "Compétences offertes", "words", required=True,
              hint="Séparées par des virgules : comptabilité, graphisme…"),
        Field("hours", "Volume en heures", "number", required=True),
        Field("commune", "Code INSEE de la commune", "commune", required=True,
              hint="5 caractères, par exemple 90010 pour Belfort"),
        Field("radius_km", "Rayon d'intervention en km", "number", required=True),
        Field("remote_ok", "Possible à distance", "flag"),
        Field("themes", "Thématiques (aucune : toutes)", "checks", "theme"),
        *CONTACT,
    ),
)

FORMS = {"initiative": INITIATIVE, "support_provider": SUPPORT_PROVIDER, "takeover": TAKEOVER,
         "volunteer_offer": VOLUNTEER_OFFER}
