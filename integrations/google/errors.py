"""What can go wrong with Google Agenda, and what the owner is told (in French)."""

from __future__ import annotations

NOT_CONNECTED = "Google Agenda n'est pas connecté : connecte-le depuis les réglages."
BAD_STATE = "Lien de connexion inconnu, expiré ou déjà utilisé : relance la connexion."
CODE_REFUSED = "Google a refusé le code d'autorisation : relance la connexion."
TOKEN_REFUSED = "Google a refusé nos jetons : reconnecte Google Agenda depuis les réglages."
TOKEN_TRANSIENT = (
    "Google n'a pas pu renouveler l'accès à l'agenda pour l'instant : nouvel essai à la "
    "prochaine synchronisation."
)
TOKENS_UNREADABLE = (
    "Les jetons Google enregistrés sont chiffrés avec une clé que le service n'a plus : "
    "remets-la dans SECRETS_ENCRYPTION_OLD_KEYS, ou reconnecte Google Agenda."
)
NO_REFRESH_TOKEN = (
    "Google n'a pas donné d'accès hors connexion : retire ordinarthur-os des applications de "
    "ton compte Google, puis reconnecte."
)
CALENDAR_GONE = (
    "Le calendrier Google « ordinarthur-os » a été supprimé : la synchronisation est arrêtée. "
    "Reconnecte Google Agenda depuis les réglages pour le recréer (tes propres événements y "
    "seront renvoyés)."
)

# What the owner is told once, on Telegram when the bot runs (plain text).
TOLD_TOKEN_REFUSED = (
    "⚠️ Google Agenda : Google a refusé l'accès à ton agenda (autorisation retirée ou expirée ; "
    "une application Google en mode « Testing » n'a qu'une autorisation de 7 jours). "
    "La synchronisation est arrêtée : reconnecte Google Agenda depuis les réglages."
)
TOLD_CALENDAR_GONE = "⚠️ Google Agenda : " + CALENDAR_GONE
TOLD_RESTORED = (
    "🔁 Google Agenda : « {title} » a été supprimé dans Google alors que tu l'avais modifié "
    "ici ; je l'ai recréé dans Google."
)


class GoogleAgendaError(Exception):
    """Google Agenda could not do what was asked; the message says why, in French."""


class GoogleNotConnectedError(GoogleAgendaError):
    """Configured, but the owner has not connected a Google account yet."""


class GoogleOAuthStateError(GoogleAgendaError):
    """The OAuth callback's state is unknown, used or expired, or Google refused the code."""


class GoogleUnavailableError(GoogleAgendaError):
    """Google failed, could not be reached, or refused our tokens."""


class GoogleTokenRefusedError(GoogleUnavailableError):
    """Google refused the refresh token (invalid_grant): only a new consent helps."""


class GoogleCalendarGoneError(GoogleAgendaError):
    """The synced calendar was deleted in Google: the sync waits for a reconnection."""
