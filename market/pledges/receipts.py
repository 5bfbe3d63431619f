"""What the funder reads: the reçu fiscal rule, the receipt email and the receipt page (French).

The receipt is the platform's acknowledgement of a card payment. A reçu fiscal (Cerfa n° 11580)
is issued by the initiative itself, and only when it is an organisation of general interest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

# Forms that can be an organisme d'intérêt général; the owner declares it, the platform shows it.
TAX_RECEIPT_ORG_FORMS = frozenset({"association", "public_body"})
TAX_RECEIPT_RULE = (
    "Seuls les organismes d'intérêt général peuvent délivrer un reçu fiscal (articles 200 et 238 bis du "
    "code général des impôts) : associations ou fondations à but non lucratif, à gestion désintéressée, "
    "dont l'activité est philanthropique, éducative, scientifique, sociale, humanitaire, sportive, "
    "familiale, culturelle ou concourt à la défense de l'environnement naturel, et collectivités "
    "publiques. Le don ouvre alors droit à une réduction d'impôt sur le revenu de 66 % de son montant, "
    "dans la limite de 20 % du revenu imposable. C'est le porteur de l'initiative qui déclare son "
    "éligibilité et qui délivre le reçu ; la plateforme ne la vérifie pas et ne délivre pas de reçu fiscal."
)
STATUS_LABELS = {
    "pending": "en attente du paiement",
    "succeeded": "payée",
    "failed": "non aboutie",
    "refunded": "remboursée",
    "partially_refunded": "remboursée en partie",
}


def euros(cents: int) -> str:
    """1234567 -> "12 345,67 €" (French grouping, with a narrow no-break space)."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"


@dataclass(frozen=True)
class ReceiptView:
    """Everything a receipt shows, read from the pledge and its initiative."""

    pledge_id: int
    initiative_title: str
    amount_cents: int
    refunded_cents: int
    status: str
    display_name: str | None
    anonymous: bool
    settled_at: datetime | None
    tax_receipt_eligible: bool
    receipt_url: str


def _tax_line(view: ReceiptView) -> str:
    if view.tax_receipt_eligible:
        return ("Le porteur de cette initiative déclare pouvoir délivrer un reçu fiscal : "
                "demandez-le-lui en indiquant le numéro de votre promesse.")
    return ("Cette initiative ne déclare pas pouvoir délivrer de reçu fiscal : "
            "ce don n'ouvre pas droit à réduction d'impôt.")


def _date(moment: datetime | None) -> str:
    return moment.strftime("%d/%m/%Y à %H:%M (UTC)") if moment else "—"


def email_text(view: ReceiptView) -> tuple[str, str]:
    """Subject and plain-text body of the receipt email."""
    subject = f"Reçu de votre promesse de don n° {view.pledge_id} — {view.initiative_title}"
    greeting = f"Bonjour {view.display_name}," if view.display_name else "Bonjour,"
    lines = [
        greeting,
        "",
        f"Merci ! Votre promesse de don à « {view.initiative_title} » est payée.",
        "",
        f"  Promesse n° : {view.pledge_id}",
        f"  Montant : {euros(view.amount_cents)}",
        f"  Payée le : {_date(view.settled_at)}",
        f"  Affichage : {'anonyme' if view.anonymous else (view.display_name or 'sans nom')}",
        "",
        _tax_line(view),
        "",
        f"Votre reçu reste consultable ici : {view.receipt_url}",
        "",
        "Le paiement par carte est traité par Stripe ; la plateforme ne voit ni ne garde votre numéro de carte.",
        "",
        "— La bourse aux initiatives",
    ]
    return subject, "\n".join(lines) + "\n"


def page_html(view: ReceiptView, rule: str = TAX_RECEIPT_RULE) -> str:
    """The receipt page: a small self-contained French HTML document."""
    rows = [
        ("Initiative", view.initiative_title),
        ("Promesse n°", str(view.pledge_id)),
        ("Montant", euros(view.amount_cents)),
        ("État", STATUS_LABELS.get(view.status, view.status)),
        ("Payée le", _date(view.settled_at)),
        ("Affichage", "anonyme" if view.anonymous else (view.display_name or "sans nom")),
    ]
    if view.refunded_cents:
        rows.append(("Remboursé", euros(view.refunded_cents)))
    table = "\n".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"""<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reçu de la promesse n° {view.pledge_id}</title></head>
<body>
<main>
<h1>Reçu de votre promesse de don</h1>
<table>
{table}
</table>
<h2>Reçu fiscal</h2>
<p>{escape(_tax_line(view))}</p>
<p><small>{escape(rule)}</small></p>
</main>
</body>
</html>
"""
