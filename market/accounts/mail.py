"""The texts of the account emails (French), with their links built from PUBLIC_URL.

The token is in the link's query (`?jeton=...`), so the page works without JavaScript: opening it only
shows a form holding the token, which a POST spends (a mail scanner following the link spends
nothing). The access log masks it (api/security.py) and no page sends a Referer.
"""

from __future__ import annotations

from market.config import Settings
from market.mail import Outgoing

SIGNATURE = "\n\n-- \nLa bourse aux initiatives\n(ce message est automatique : n'y répondez pas)\n"


def link(settings: Settings, page: str, token: str) -> str:
    return f"{settings.public_url}/compte/{page}?jeton={token}"


def confirmation(settings: Settings, to: str, token: str) -> Outgoing:
    body = ("Bonjour,\n\nUn compte vient d'être créé avec cette adresse sur la bourse aux initiatives.\n"
            f"Pour confirmer que l'adresse est bien la vôtre, ouvrez ce lien (valable "
            f"{settings.confirm_link_hours} heures, une seule fois) :\n\n{link(settings, 'confirmer', token)}\n\n"
            "Si vous n'avez rien demandé, ignorez ce message : sans confirmation, le compte ne peut rien faire.")
    return Outgoing(to, "Confirmez votre adresse email", body + SIGNATURE, "confirm")


def already_registered(settings: Settings, to: str) -> Outgoing:
    body = ("Bonjour,\n\nQuelqu'un (vous, peut-être) a voulu créer un compte avec cette adresse, mais elle a déjà "
            f"un compte. Pour vous connecter : {settings.public_url}/connexion\n"
            f"Mot de passe oublié : {settings.public_url}/compte/mot-de-passe-oublie\n\n"
            "Si vous n'avez rien demandé, ignorez ce message : rien n'a changé.")
    return Outgoing(to, "Vous avez déjà un compte", body + SIGNATURE, "already_registered")


def reset(settings: Settings, to: str, token: str) -> Outgoing:
    body = ("Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable "
            f"{settings.reset_link_minutes} minutes, une seule fois) :\n\n{link(settings, 'mot-de-passe', token)}\n\n"
            "Toutes vos sessions et vos jetons d'API seront fermés. Si vous n'avez rien demandé, ignorez ce "
            "message : votre mot de passe ne change pas.")
    return Outgoing(to, "Réinitialiser votre mot de passe", body + SIGNATURE, "reset")


def password_changed(settings: Settings, to: str) -> Outgoing:
    body = ("Bonjour,\n\nLe mot de passe de votre compte vient d'être changé ; vos autres sessions et vos jetons "
            "d'API ont été fermés.\nSi ce n'est pas vous, demandez tout de suite un nouveau mot de passe : "
            f"{settings.public_url}/compte/mot-de-passe-oublie")
    return Outgoing(to, "Votre mot de passe a changé", body + SIGNATURE, "password_changed")


def invitation(settings: Settings, to: str, organisation: str, role: str) -> Outgoing:
    body = (f"Bonjour,\n\nVous êtes invité·e à rejoindre « {organisation} » sur la bourse aux initiatives, "
            f"comme {role}.\nPour accepter ou refuser (d'ici {settings.invitation_days} jours), connectez-vous avec "
            f"cette adresse, ou créez un compte avec elle et confirmez-la, puis ouvrez vos invitations :\n\n"
            f"{settings.public_url}/compte/invitations\n\nSans réponse de votre part, rien ne se passe.")
    return Outgoing(to, "Invitation à rejoindre une organisation", body + SIGNATURE, "invitation")
