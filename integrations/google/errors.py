"""What can go wrong with Google Agenda, and what the owner is told (in French)."""

from __future__ import annotations

NOT_CONNECTED = "Google Agenda n'est pas connecté : connecte-le depuis les réglages."
BAD_STATE = "Lien de connexion inconnu, expiré ou déjà utilisé : relance la connexion."
CODE_REFUSED = "Google a refusé le code d'autorisation : relance la connexion."
TOKEN_REFUSED = "Google a refusé nos jetons : reconnecte Google Agenda depuis les réglages."
TOKENS_UNREADABLE = (
    "Les jetons Google enregistrés sont chiffrés avec une clé que le service n'a plus : "
    "remets-la dans SECRETS_ENCRYPTION_OLD_KEYS, ou reconnecte Google Agenda."
)
NO_REFRESH_TOKEN = (
    "Google n'a pas donné d'accès hors connexion : retire ordinarthur-os des applications de "
    "ton compte Google, puis reconnecte."
)


class GoogleAgendaError(Exception):
    """Google Agenda could not do what was asked; the message says why, in French."""


class GoogleNotConnectedError(GoogleAgendaError):
    """Configured, but the owner has not connected a Google account yet."""


class GoogleOAuthStateError(GoogleAgendaError):
    """The OAuth callback's state is unknown, used or expired, or Google refused the code."""


class GoogleUnavailableError(GoogleAgendaError):
    """Google failed, could not be reached, or refused our tokens."""
