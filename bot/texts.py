"""The bot's fixed messages (French first), in one place; how it writes each thing it shows
(a todo, an event, a proposal…) is in `bot/render/`."""

from __future__ import annotations

WELCOME = (
    "👋 Bonjour ! Je suis ton OS personnel.\n\n"
    "Écris-moi ou envoie une note vocale, en français :\n"
    "• « ajoute acheter du pain demain »\n"
    "• « rdv dentiste jeudi à 14h »\n"
    "• « idée pour Portfolio : un mode sombre »\n"
    "• « j'ai pris mes médocs »\n\n"
    "Je te propose les actions, tu confirmes, et seulement alors je les enregistre.\n"
    "Fuseau horaire : <b>{tz}</b>.\n\n"
    "/help pour la liste des commandes."
)

HELP = (
    "<b>Commandes</b>\n"
    "/today — le résumé du jour\n"
    "/todos — tâches ouvertes\n"
    "/agenda — aujourd'hui et les 7 prochains jours\n"
    "/meds — cocher les médicaments du jour\n"
    "/jobs — dernières offres d'emploi\n"
    "/history — dernières actions de l'IA\n"
    "/review — le bilan de la semaine\n"
    "/usage — ce que coûte l'IA\n"
    "/settings — heures du résumé, des rappels et du bilan, budget IA\n"
    "/app — ouvrir l'app dans Telegram\n\n"
    "Tout autre message (texte ou vocal) devient une proposition à confirmer."
)

COMMANDS = {
    "start": "Bienvenue et fonctionnement",
    "help": "Liste des commandes",
    "today": "Le résumé du jour",
    "todos": "Tâches ouvertes",
    "agenda": "Aujourd'hui et les 7 prochains jours",
    "meds": "Médicaments du jour",
    "jobs": "Dernières offres d'emploi",
    "history": "Dernières actions de l'IA",
    "review": "Le bilan de la semaine",
    "usage": "Ce que coûte l'IA",
    "settings": "Heures du résumé, des rappels et du bilan, budget IA",
    "app": "Ouvrir l'app",
}

# The Telegram Mini App (the PWA opened inside Telegram): the menu button and /app.
APP_BUTTON = "Ouvrir"
APP_OPEN = "📱 Ton OS, dans Telegram : tâches, projets, agenda, santé, offres."
APP_NOT_CONFIGURED = (
    "📱 L'app n'est pas encore ouverte dans Telegram : il faut définir <code>PUBLIC_URL</code> "
    "(l'adresse https de l'app) sur le serveur, puis le redémarrer."
)

NO_TODOS = "✨ Aucune tâche ouverte."
NO_EVENTS = "📅 Rien de prévu aujourd'hui ni dans les 7 prochains jours."
NO_JOBS = "💼 Aucune offre pour l'instant."
LATEST_JOB = "<b>💼 La dernière offre</b>"
LATEST_JOBS = "<b>💼 Les {count} dernières offres</b>"
NO_HISTORY = "🕰 Aucune action de l'IA pour l'instant."
TODO_DONE = "✅ Terminé : {title}"
TODO_DONE_NEXT = "✅ Terminé : {title} · 🔁 prochaine fois : {when}"
TODO_POSTPONED = "⏰ Reporté : {title}"
REMINDER_MOVED = "⏰ C'est noté."
SERIES_STOPPED = "🔁 Série arrêtée."
ALREADY_HANDLED = "Déjà fait 👍"
NOT_FOUND = "Introuvable (supprimé entre-temps ?)"

# {of_day}: "d'aujourd'hui", "de demain", "du jeudi 3 décembre" (bot.render.dates.of_day).
MEDS_TAKEN = "💊 Médicaments {of_day} : <b>pris</b> ✅"
MEDS_NOT_TAKEN = "💊 Médicaments {of_day} : <b>pas encore pris</b>"
MEDS_REMINDER = "💊 Pense à tes médicaments !"
MEDS_SNOOZED = "⏰ Je te le rappelle dans 30 minutes."
MEDS_SKIPPED = "⏭️ D'accord, plus de rappel aujourd'hui."
MEDS_OK = "✅ Noté, médicaments pris. Plus de rappel aujourd'hui."

SETTINGS_EXAMPLES = (
    "<code>/settings resume 07:00</code>\n"
    "<code>/settings rappels 09:00,13:00,20:00</code>\n"
    "<code>/settings agenda 15</code> (minutes avant un événement, 0 : aucun rappel)\n"
    "<code>/settings bilan dim 18:00</code>"
)
SETTINGS = (
    "<b>Réglages</b>\n"
    "Résumé du matin : <b>{digest}</b>\n"
    "Rappels médicaments : <b>{reminders}</b>\n"
    "Rappel avant un événement : <b>{event_reminder}</b>\n"
    "Bilan de la semaine : <b>{review}</b>\n"
    "Fuseau horaire : {tz}\n\n"
    "Pour changer :\n" + SETTINGS_EXAMPLES
)
SETTINGS_GOOGLE = "\n\n<b>Google Agenda</b> : {state}"
SETTINGS_GOOGLE_SYNCED = "dernière synchro {when}"
SETTINGS_GOOGLE_NEVER = "connecté, pas encore synchronisé"
SETTINGS_GOOGLE_FAILED = "\n⚠️ Dernière synchro en échec : {error}"
SETTINGS_GOOGLE_STOPPED = {
    "calendar_gone": "⚠️ synchro arrêtée : le calendrier « ordinarthur-os » a été supprimé dans "
    "Google. Reconnecte Google Agenda depuis les réglages de l'app pour le recréer.",
    "token_refused": "⚠️ synchro arrêtée : Google a refusé l'accès. Reconnecte Google Agenda "
    "depuis les réglages de l'app.",
}
SETTINGS_GOOGLE_REFUSED = "\n⚠️ Refusé par Google ({count}) :"
SETTINGS_GOOGLE_REFUSED_EVENT = "\n• {title} : {error}"
SETTINGS_SAVED = "✅ C'est noté."
SETTINGS_USAGE = "Je n'ai pas compris. Exemples :\n" + SETTINGS_EXAMPLES

USAGE_TITLE = "💶 <b>Ce que coûte l'IA</b>"
USAGE_MONTH = "<b>{label}</b> ({month}) : <b>{cost}</b>"
USAGE_NOTHING = "rien"
USAGE_WEEK = "<b>Cette semaine</b>"
USAGE_UNPRICED = "⚠️ {requests} sans prix connu (pas dans le total)"
USAGE_UNKNOWN_PRICE = "prix inconnu"
BUDGET_LINE = "💸 Budget IA : <b>{limit}</b> par mois, {spent} dépensés ce mois-ci{reached}"
BUDGET_REACHED_NOTE = " — atteint : le parseur local répond jusqu'au mois prochain"
BUDGET_NONE = "💸 Budget IA : aucun plafond ({spent} dépensés ce mois-ci)"
BUDGET_HOWTO = "<code>/settings budget 5</code> · <code>/settings budget aucun</code>"
BUDGET_USAGE = (
    "Je n'ai pas compris. Exemples :\n"
    "<code>/settings budget 5</code> (euros par mois)\n"
    "<code>/settings budget 2,50</code>\n"
    "<code>/settings budget aucun</code> (revient à AI_MONTHLY_BUDGET_EUR)"
)

NOTHING_TO_DO = "Je n'ai rien trouvé à faire dans ce message."
STT_DISABLED = "la transcription n'est pas configurée (GROQ_API_KEY)"
STT_FAILED = (
    "🎤 Je n'ai pas pu transcrire ta note vocale : {reason}\n"
    "Je l'ai gardée : tu peux réessayer, ou m'écrire."
)
VOICE_TOO_LARGE = (
    "🎤 Ta note vocale est trop lourde pour être transcrite ({size}, limite {limit}) : "
    "découpe-la ou écris-moi."
)
PROPOSAL_CANCELLED = "❌ Annulé, rien n'a été enregistré."
PROPOSAL_REPLACED = "✏️ Remplacée par la proposition ci-dessous."
UNDO_TOO_LATE = "Trop tard pour annuler (10 minutes) : modifie ou supprime depuis l'app."
ASK_CORRECTION = "✏️ Qu'est-ce que je dois changer ?"
OOPS = "😕 Oups, quelque chose s'est mal passé de mon côté. Rien n'a été enregistré ; réessaie."
UNSUPPORTED = "Je comprends le texte et les notes vocales ; ceci, je ne sais pas encore le lire."

ENRICH_WORKING = "✨ Je prépare une proposition…"
ENRICH_UNAVAILABLE = (
    "✨ L'enrichissement a besoin du modèle de langue (MISTRAL_API_KEY) : "
    "sans lui, je ne propose rien."
)
ENRICH_FAILED = "😕 Le modèle n'a pas pu proposer d'enrichissement ({reason}). Réessaie plus tard."
ENRICH_DROPPED = "❌ Ignoré : la tâche n'a pas changé."
