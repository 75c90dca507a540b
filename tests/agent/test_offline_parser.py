"""The offline parser: French and English commands to the agent's five actions, no model."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent.offline_parser import ParsedAction, parse
from agent.situation import ProjectRef

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday; DST starts on Sunday 2026-03-29 (+01:00 before, +02:00 after).
NOW = datetime(2026, 3, 25, 10, 0, tzinfo=PARIS)
# A Thursday; DST ends on Sunday 2026-10-25 (+02:00 before, +01:00 after).
OCTOBER = datetime(2026, 10, 22, 10, 0, tzinfo=PARIS)

PORTFOLIO = ProjectRef(uuid.UUID("00000000-0000-4000-8000-000000000001"), "Portfolio")
KITCHEN = ProjectRef(uuid.UUID("00000000-0000-4000-8000-000000000002"), "Rénovation cuisine")
BLOG = ProjectRef(uuid.UUID("00000000-0000-4000-8000-000000000003"), "Blog")
PROJECTS = (PORTFOLIO, KITCHEN, BLOG)


def todo(title: str, **args: Any) -> ParsedAction:
    return ParsedAction("create_todo", {"title": title, **args})


def ringing(title: str, due: str, **args: Any) -> ParsedAction:
    """A todo that rings at its due moment (a time was said)."""
    return todo(title, due_at=due, remind_at=due, **args)


def idea(project: ProjectRef, content: str) -> ParsedAction:
    return ParsedAction("add_project_idea", {"project_id": str(project.id), "content": content})


def step(project: ProjectRef, title: str, **args: Any) -> ParsedAction:
    return ParsedAction(
        "add_project_step", {"project_id": str(project.id), "title": title, **args}
    )


def event(title: str, starts_at: str, ends_at: str, **args: Any) -> ParsedAction:
    return ParsedAction(
        "create_calendar_event",
        {"title": title, "starts_at": starts_at, "ends_at": ends_at, **args},
    )


def checkin(**args: Any) -> ParsedAction:
    return ParsedAction("toggle_daily_checkin", args)


def at(moment: str, offset: str = "+01:00") -> str:
    return f"{moment}:00{offset}"


SUMMER = "+02:00"
Case = tuple[str, list[ParsedAction]]

TABLE: list[Case] = [
    # todos, French
    (
        "ajoute une tâche acheter du pain demain",
        [todo("Acheter du pain", due_at=at("2026-03-26T09:00"))],
    ),
    (
        "rappelle-moi d'appeler maman vendredi à 18h",
        [ringing("Appeler maman", at("2026-03-27T18:00"))],
    ),
    (
        "todo: envoyer la facture #freelance urgent",
        [todo("Envoyer la facture", priority=3, tags=["freelance"])],
    ),
    (
        "tâche payer le loyer le 3 décembre",
        [todo("Payer le loyer", due_at=at("2026-12-03T09:00"))],
    ),
    (
        "ajoute une tâche réviser la voiture samedi",
        [todo("Réviser la voiture", due_at=at("2026-03-28T09:00"))],
    ),
    (
        "rappelle-moi dimanche d'arroser les plantes",
        [todo("Arroser les plantes", due_at=at("2026-03-29T09:00", SUMMER))],
    ),
    (
        "tâche appeler le notaire aujourd'hui à 17h",
        [ringing("Appeler le notaire", at("2026-03-25T17:00"))],
    ),
    ("todo sortir le chien ce soir", [todo("Sortir le chien", due_at=at("2026-03-25T19:00"))]),
    (
        "rappelle-moi de relancer le client après-demain",
        [todo("Relancer le client", due_at=at("2026-03-27T09:00"))],
    ),
    (
        "rappelle-moi dans 2 heures de vérifier le four",
        [ringing("Vérifier le four", at("2026-03-25T12:00"))],
    ),
    (
        "ajoute une tâche faire les impôts dans 3 jours",
        [todo("Faire les impôts", due_at=at("2026-03-28T09:00"))],
    ),
    (
        "rappelle-moi de payer le loyer le 12/01",
        [todo("Payer le loyer", due_at=at("2027-01-12T09:00"))],
    ),
    ("rappelle-moi d'appeler maman à 9h", [ringing("Appeler maman", at("2026-03-26T09:00"))]),
    ("todo appeler Léa à 14h", [ringing("Appeler Léa", at("2026-03-25T14:00"))]),
    (
        "tâche préparer la démo p2 #travail #Démo",
        [todo("Préparer la démo", priority=2, tags=["travail", "démo"])],
    ),
    # Priorities in words on core/vocabulary.py's scale: 0 basse, 1 normale, 2 haute, 3 urgente.
    ("ajoute une tâche ranger le garage basse priorité", [todo("Ranger le garage", priority=0)]),
    ("tâche mettre à jour le CV priorité moyenne", [todo("Mettre à jour le CV", priority=1)]),
    ("todo rappeler le plombier, pas urgent", [todo("Rappeler le plombier", priority=0)]),
    ("tâche déclarer les revenus, important", [todo("Déclarer les revenus", priority=2)]),
    (
        "ajoute une tâche corriger le formulaire pour le projet Portfolio",
        [todo("Corriger le formulaire", project_id=str(PORTFOLIO.id))],
    ),
    (
        "tâche choisir la peinture projet renovation CUISINE",
        [todo("Choisir la peinture", project_id=str(KITCHEN.id))],
    ),
    ("ajoute acheter du pain et du lait", [todo("Acheter du pain et du lait")]),
    ("peux-tu ajouter une tâche acheter des piles ?", [todo("Acheter des piles")]),
    ("appeler le plombier demain", [todo("Appeler le plombier", due_at=at("2026-03-26T09:00"))]),
    (
        "prendre rdv chez le dentiste demain",
        [todo("Prendre rdv chez le dentiste", due_at=at("2026-03-26T09:00"))],
    ),
    (
        "préparer la réunion demain à 14h",
        [ringing("Préparer la réunion", at("2026-03-26T14:00"))],
    ),
    (
        "ajoute une tâche pour le projet Portfolio : écrire la doc",
        [todo("Écrire la doc", project_id=str(PORTFOLIO.id))],
    ),
    ("todo: appeler Paul (urgent)", [todo("Appeler Paul", priority=3)]),
    (
        "tâche envoyer le rapport avant vendredi 17h",
        [ringing("Envoyer le rapport", at("2026-03-27T17:00"))],
    ),
    (
        "rappelle-moi de payer le loyer avant le 5",
        [todo("Payer le loyer", due_at=at("2026-04-05T09:00", SUMMER))],
    ),
    # todos, English
    ("add a todo buy milk tomorrow 6pm", [ringing("Buy milk", at("2026-03-26T18:00"))]),
    (
        "remind me to call Bob next monday",
        [todo("Call Bob", due_at=at("2026-03-30T09:00", SUMMER))],
    ),
    (
        "add a todo call the bank today at 6:30 pm",
        [ringing("Call the bank", at("2026-03-25T18:30"))],
    ),
    ("remind me to stretch in 30 minutes", [ringing("Stretch", at("2026-03-25T10:30"))]),
    (
        "todo buy a gift for mum on December 24",
        [todo("Buy a gift for mum", due_at=at("2026-12-24T09:00"))],
    ),
    (
        "tâche renouveler l'abonnement 3 Dec",
        [todo("Renouveler l'abonnement", due_at=at("2026-12-03T09:00"))],
    ),
    (
        "add task: prepare the slides, high priority #work",
        [todo("Prepare the slides", priority=2, tags=["work"])],
    ),
    # ideas and steps
    (
        "idée pour le projet Portfolio : ajouter un mode sombre",
        [idea(PORTFOLIO, "Ajouter un mode sombre")],
    ),
    (
        "nouvelle idée Portfolio: écrire un article sur le SSR",
        [idea(PORTFOLIO, "Écrire un article sur le SSR")],
    ),
    ("idea for Portfolio: dark mode", [idea(PORTFOLIO, "Dark mode")]),
    (
        "ajoute une idée au projet rénovation cuisine : îlot central",
        [idea(KITCHEN, "Îlot central")],
    ),
    ("idée : une newsletter mensuelle pour le blog", [idea(BLOG, "Une newsletter mensuelle")]),
    (
        "ajoute une étape au projet Portfolio : déployer sur k3s en cours",
        [step(PORTFOLIO, "Déployer sur k3s", status="doing")],
    ),
    ("step for Portfolio: write tests", [step(PORTFOLIO, "Write tests")]),
    (
        "ajoute une étape au projet Blog : écrire l'intro, fait",
        [step(BLOG, "Écrire l'intro", status="done")],
    ),
    (
        "nouvelle étape Portfolio: relecture en revue",
        [step(PORTFOLIO, "Relecture", status="review")],
    ),
    (
        "étape pour Rénovation cuisine : poser le carrelage à faire",
        [step(KITCHEN, "Poser le carrelage", status="todo")],
    ),
    ("step for Blog: get it done", [step(BLOG, "Get it done")]),
    ("idée pour le projet Inconnu : un truc", []),
    ("step for Unknown: write tests", []),
    # events
    (
        "rendez-vous dentiste jeudi prochain de 14h à 15h",
        [event("Rendez-vous dentiste", at("2026-03-26T14:00"), at("2026-03-26T15:00"))],
    ),
    (
        "réunion demain à 9h30 à la mairie",
        [event("Réunion", at("2026-03-26T09:30"), at("2026-03-26T10:30"), location="la mairie")],
    ),
    ("rdv le 12/01 à 10h", [event("Rdv", at("2027-01-12T10:00"), at("2027-01-12T11:00"))]),
    (
        "meeting with Alice tomorrow 6pm",
        [event("Meeting with Alice", at("2026-03-26T18:00"), at("2026-03-26T19:00"))],
    ),
    ("lunch on friday at noon", [event("Lunch", at("2026-03-27T12:00"), at("2026-03-27T13:00"))]),
    (
        "event dentist on December 3 at 2pm for 30 minutes",
        [event("Dentist", at("2026-12-03T14:00"), at("2026-12-03T14:30"))],
    ),
    (
        "dinner with Sam tonight at 8",
        [event("Dinner with Sam", at("2026-03-25T20:00"), at("2026-03-25T21:00"))],
    ),
    (
        "meeting tomorrow at 3pm at the office",
        [event("Meeting", at("2026-03-26T15:00"), at("2026-03-26T16:00"), location="the office")],
    ),
    (
        "rdv banque le 3 déc à 11h",
        [event("Rdv banque", at("2026-12-03T11:00"), at("2026-12-03T12:00"))],
    ),
    (
        "réunion le 2026-04-10 à 14h30 pour 2 heures",
        [event("Réunion", at("2026-04-10T14:30", SUMMER), at("2026-04-10T16:30", SUMMER))],
    ),
    (
        "lunch with Tom on Dec 3 from 12:30 to 2pm",
        [event("Lunch with Tom", at("2026-12-03T12:30"), at("2026-12-03T14:00"))],
    ),
    ("rdv demain 18:45", [event("Rdv", at("2026-03-26T18:45"), at("2026-03-26T19:45"))]),
    ("réunion demain à midi", [event("Réunion", at("2026-03-26T12:00"), at("2026-03-26T13:00"))]),
    (
        "apéro samedi à 19h chez Julie",
        [event("Apéro", at("2026-03-28T19:00"), at("2026-03-28T20:00"), location="chez Julie")],
    ),
    (
        "rdv comptable mardi",
        [event("Rdv comptable", at("2026-03-31T09:00", SUMMER), at("2026-03-31T10:00", SUMMER))],
    ),
    (
        "ajoute un rdv chez le garagiste mardi à 8h",
        [
            event(
                "Rdv chez le garagiste",
                at("2026-03-31T08:00", SUMMER),
                at("2026-03-31T09:00", SUMMER),
            )
        ],
    ),
    (
        "réunion demain soir à 8h",
        [event("Réunion", at("2026-03-26T20:00"), at("2026-03-26T21:00"))],
    ),
    ("réunion", []),
    ("rdv demain de 23h à 1h", [event("Rdv", at("2026-03-26T23:00"), at("2026-03-27T01:00"))]),
    (
        "meeting from 2 to 3pm tomorrow",
        [event("Meeting", at("2026-03-26T14:00"), at("2026-03-26T15:00"))],
    ),
    (
        "demain 14h réunion avec l'équipe",
        [event("Réunion avec l'équipe", at("2026-03-26T14:00"), at("2026-03-26T15:00"))],
    ),
    (
        "ajoute un événement soirée jeux samedi soir",
        [event("Soirée jeux", at("2026-03-28T19:00"), at("2026-03-28T20:00"))],
    ),
    # DST start: Sunday 2026-03-29, 02:00 jumps to 03:00
    (
        "rdv coiffeur dimanche à 1h30",
        [event("Rdv coiffeur", at("2026-03-29T01:30"), at("2026-03-29T03:30", SUMMER))],
    ),
    (
        "réunion dimanche à 2h30",
        [event("Réunion", at("2026-03-29T03:30", SUMMER), at("2026-03-29T04:30", SUMMER))],
    ),
    (
        "réunion dimanche à 10h",
        [event("Réunion", at("2026-03-29T10:00", SUMMER), at("2026-03-29T11:00", SUMMER))],
    ),
    # check-ins
    ("j'ai pris mes médocs", [checkin()]),
    ("médicaments pris, un peu fatigué", [checkin(note="un peu fatigué")]),
    ("I took my meds", [checkin()]),
    ("meds done", [checkin()]),
    ("je n'ai pas pris mes médocs", []),
    # a question, not the action: the day's check-in is looked up (issue 13)
    (
        "est-ce que j'ai pris mes médocs ?",
        [
            ParsedAction(
                "find_checkins", {"start": at("2026-03-25T00:00"), "end": at("2026-03-26T00:00")}
            )
        ],
    ),
    ("j'ai pas pris mes médocs", []),
    ("I haven't taken my meds", []),
    ("médocs pris ce matin", [checkin(note="ce matin")]),
    # several actions in one message
    (
        "ajoute acheter du pain demain et rdv dentiste jeudi à 14h",
        [
            todo("Acheter du pain", due_at=at("2026-03-26T09:00")),
            event("Rdv dentiste", at("2026-03-26T14:00"), at("2026-03-26T15:00")),
        ],
    ),
    (
        "idée Portfolio : un export PDF puis rappelle-moi de relire le README",
        [idea(PORTFOLIO, "Un export PDF"), todo("Relire le README")],
    ),
    (
        "j'ai pris mes médocs et ajoute une tâche appeler la pharmacie",
        [checkin(), todo("Appeler la pharmacie")],
    ),
    (
        "rdv dentiste jeudi à 14h; todo: payer la cantine",
        [
            event("Rdv dentiste", at("2026-03-26T14:00"), at("2026-03-26T15:00")),
            todo("Payer la cantine"),
        ],
    ),
    (
        "ajoute une tâche acheter des fleurs\nréunion lundi à 10h",
        [
            todo("Acheter des fleurs"),
            event("Réunion", at("2026-03-30T10:00", SUMMER), at("2026-03-30T11:00", SUMMER)),
        ],
    ),
    (
        "buy milk tomorrow and remind me to call Bob on friday",
        [
            todo("Buy milk", due_at=at("2026-03-26T09:00")),
            todo("Call Bob", due_at=at("2026-03-27T09:00")),
        ],
    ),
    (
        "meds taken and remind me to buy milk",
        [checkin(), todo("Buy milk")],
    ),
    # nothing to do
    ("bonjour", []),
    ("merci !", []),
    ("quel temps fait-il ?", []),
    # a question: tomorrow's agenda is looked up (issue 13)
    (
        "est-ce que j'ai un rdv demain ?",
        [
            ParsedAction(
                "find_events", {"start": at("2026-03-26T00:00"), "end": at("2026-03-27T00:00")}
            )
        ],
    ),
    ("super, merci", []),
    ("il fait beau aujourd'hui", []),
    ("je suis crevé ce soir", []),
    ("it's raining today", []),
]

# Around the end of DST (Sunday 2026-10-25, 03:00 goes back to 02:00), seen from a Thursday.
OCTOBER_TABLE: list[Case] = [
    (
        "rappelle-moi de changer l'heure dimanche",
        [todo("Changer l'heure", due_at=at("2026-10-25T09:00"))],
    ),
    (
        "réunion samedi à 10h",
        [event("Réunion", at("2026-10-24T10:00", SUMMER), at("2026-10-24T11:00", SUMMER))],
    ),
    # 02:30 happens twice: the first one (summer time), and the hour is real time, not wall time.
    (
        "réunion dimanche à 2h30",
        [event("Réunion", at("2026-10-25T02:30", SUMMER), at("2026-10-25T02:30"))],
    ),
    ("tâche ranger la cave lundi", [todo("Ranger la cave", due_at=at("2026-10-26T09:00"))]),
]

# Looser phrasings, scored as a whole rather than required one by one. Each batch was written
# before the parser had seen it; on first run batch 1 scored 18/24, batch 2 9/12 and batch 3
# 9/12. General fixes for what they revealed followed (event words after the date, a project
# named first, "avant le 5", "I've taken"), so they are no longer truly held out; the one
# still failing ("after-work") is a vocabulary gap left on purpose.
HELD_OUT: list[Case] = [
    (
        "peux-tu me rappeler de sortir les poubelles ce soir",
        [ringing("Sortir les poubelles", at("2026-03-25T19:00"))],
    ),
    (
        "faut que je rappelle le garagiste demain matin",
        [todo("Rappelle le garagiste", due_at=at("2026-03-26T09:00"))],
    ),
    (
        "Dîner chez Paul samedi 20h",
        [event("Dîner chez Paul", at("2026-03-28T20:00"), at("2026-03-28T21:00"))],
    ),
    (
        "call with the accountant on thursday 3-4pm",
        [event("Call with the accountant", at("2026-03-26T15:00"), at("2026-03-26T16:00"))],
    ),
    (
        "nouvelle tâche : réserver les billets de train pour le 15 avril, priorité haute",
        [todo("Réserver les billets de train", due_at=at("2026-04-15T09:00", SUMMER), priority=2)],
    ),
    (
        "i need to renew my passport before may 10 #admin",
        [todo("Renew my passport", due_at=at("2026-05-10T09:00", SUMMER), tags=["admin"])],
    ),
    ("idée Rénovation cuisine : carrelage blanc mat", [idea(KITCHEN, "Carrelage blanc mat")]),
    (
        "Portfolio : nouvelle idée, ajouter une page contact",
        [idea(PORTFOLIO, "Ajouter une page contact")],
    ),
    (
        "Tomorrow at 8 am: standup meeting",
        [event("Standup meeting", at("2026-03-26T08:00"), at("2026-03-26T09:00"))],
    ),
    ("c'est bon j'ai pris mes médicaments", [checkin()]),
    ("meds taken, headache today", [checkin(note="headache today")]),
    (
        "rdv chez le kiné mardi 17h30",
        [
            event(
                "Rdv chez le kiné", at("2026-03-31T17:30", SUMMER), at("2026-03-31T18:30", SUMMER)
            )
        ],
    ),
    (
        "remind me tomorrow at 7:15 to water the plants",
        [ringing("Water the plants", at("2026-03-26T07:15"))],
    ),
    ("tâche urgente: rappeler la banque", [todo("Rappeler la banque", priority=3)]),
    (
        "ajoute une étape 'maquettes' au projet Portfolio, statut à faire",
        [step(PORTFOLIO, "Maquettes", status="todo")],
    ),
    (
        "after-work vendredi 19h au Bar du Port",
        [
            event(
                "After-work",
                at("2026-03-27T19:00"),
                at("2026-03-27T20:00"),
                location="Bar du Port",
            )
        ],
    ),
    (
        "le 1er avril appeler l'assurance",
        [todo("Appeler l'assurance", due_at=at("2026-04-01T09:00", SUMMER))],
    ),
    ("dans 3 jours : payer la cantine", [todo("Payer la cantine", due_at=at("2026-03-28T09:00"))]),
    (
        "add task: prepare slides for the conference, low priority",
        [todo("Prepare slides for the conference", priority=0)],
    ),
    (
        "réunion d'équipe lundi de 10h à 11h30 en visio",
        [
            event(
                "Réunion d'équipe en visio",
                at("2026-03-30T10:00", SUMMER),
                at("2026-03-30T11:30", SUMMER),
            )
        ],
    ),
    (
        "j'ai un rendez-vous chez le médecin le 2 avril à 11h",
        [
            event(
                "Rendez-vous chez le médecin",
                at("2026-04-02T11:00", SUMMER),
                at("2026-04-02T12:00", SUMMER),
            )
        ],
    ),
    (
        "step Rénovation cuisine: choisir le plan de travail (done)",
        [step(KITCHEN, "Choisir le plan de travail", status="done")],
    ),
    (
        "n'oublie pas de payer le loyer avant le 5",
        [todo("Payer le loyer", due_at=at("2026-04-05T09:00", SUMMER))],
    ),
    (
        "todo appeler Léa et lui souhaiter bon anniversaire",
        [todo("Appeler Léa et lui souhaiter bon anniversaire")],
    ),
    # batch 2
    (
        "rappelle moi d'envoyer le devis lundi matin",
        [ringing("Envoyer le devis", at("2026-03-30T09:00", SUMMER))],
    ),
    ("ajoute à ma liste : acheter des ampoules", [todo("Acheter des ampoules")]),
    (
        "rdv avec le banquier vendredi 11h30",
        [event("Rdv avec le banquier", at("2026-03-27T11:30"), at("2026-03-27T12:30"))],
    ),
    ("pris mes médocs", [checkin()]),
    ("new idea for the blog: weekly links roundup", [idea(BLOG, "Weekly links roundup")]),
    (
        "remind me to pay rent on the 1st",
        [todo("Pay rent", due_at=at("2026-04-01T09:00", SUMMER))],
    ),
    (
        "schedule a call with Marc tomorrow 10-11am",
        [event("Call with Marc", at("2026-03-26T10:00"), at("2026-03-26T11:00"))],
    ),
    (
        "tâche: faire le plein avant vendredi",
        [todo("Faire le plein", due_at=at("2026-03-27T09:00"))],
    ),
    (
        "cours de yoga jeudi à 18h30",
        [event("Cours de yoga", at("2026-03-26T18:30"), at("2026-03-26T19:30"))],
    ),
    (
        "demain 14h réunion avec l'équipe produit",
        [event("Réunion avec l'équipe produit", at("2026-03-26T14:00"), at("2026-03-26T15:00"))],
    ),
    ("todo: read chapter 3 #book", [todo("Read chapter 3", tags=["book"])]),
    ("étape Blog : migrer vers Hugo (en cours)", [step(BLOG, "Migrer vers Hugo", status="doing")]),
    # batch 3
    ("rappelle-moi de prendre rdv chez l'ophtalmo", [todo("Prendre rdv chez l'ophtalmo")]),
    (
        "ajoute une tâche: imprimer les billets pour demain 8h",
        [ringing("Imprimer les billets", at("2026-03-26T08:00"))],
    ),
    (
        "entretien d'embauche lundi 14h chez Acme",
        [
            event(
                "Entretien d'embauche",
                at("2026-03-30T14:00", SUMMER),
                at("2026-03-30T15:00", SUMMER),
                location="chez Acme",
            )
        ],
    ),
    ("médocs ok", [checkin()]),
    ("idée pour blog : tutoriel sur pytest", [idea(BLOG, "Tutoriel sur pytest")]),
    (
        "remind me about the dentist on friday at 9",
        [ringing("The dentist", at("2026-03-27T09:00"))],
    ),
    (
        "lundi à 8h30 visio avec le client",
        [
            event(
                "Visio avec le client",
                at("2026-03-30T08:30", SUMMER),
                at("2026-03-30T09:30", SUMMER),
            )
        ],
    ),
    (
        "todo: faire une sauvegarde du NAS tous les dimanches",
        [
            todo(
                "Faire une sauvegarde du NAS",
                due_at=at("2026-03-29T09:00", SUMMER),
                recurrence="FREQ=WEEKLY;BYDAY=SU",
            )
        ],
    ),
    (
        "déjeuner avec Claire demain midi au Petit Bistro",
        [
            event(
                "Déjeuner avec Claire",
                at("2026-03-26T12:00"),
                at("2026-03-26T13:00"),
                location="Petit Bistro",
            )
        ],
    ),
    ("I've taken my pills", [checkin()]),
    (
        "add a step to the Blog project: set up RSS, in progress",
        [step(BLOG, "Set up RSS", status="doing")],
    ),
    (
        "ajoute un événement soirée jeux samedi soir",
        [event("Soirée jeux", at("2026-03-28T19:00"), at("2026-03-28T20:00"))],
    ),
]


def understood(text: str, now: datetime = NOW) -> list[ParsedAction]:
    return parse(text, now=now, projects=PROJECTS)


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[text for text, _ in TABLE])
def test_it_understands(text: str, expected: list[ParsedAction]) -> None:
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), OCTOBER_TABLE, ids=[text for text, _ in OCTOBER_TABLE]
)
def test_it_understands_around_the_end_of_dst(text: str, expected: list[ParsedAction]) -> None:
    assert understood(text, OCTOBER) == expected


def test_the_main_table_is_large_enough() -> None:
    assert len(TABLE) + len(OCTOBER_TABLE) >= 50


def test_it_adds_hours_in_real_time_across_dst() -> None:
    spring = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    autumn = datetime(2026, 10, 25, 1, 30, tzinfo=PARIS)
    assert understood("remind me in 2 hours to check the oven", spring) == [
        ringing("Check the oven", at("2026-03-29T04:30", SUMMER))
    ]
    assert understood("rappelle-moi dans 2 heures de vérifier le four", autumn) == [
        ringing("Vérifier le four", at("2026-10-25T02:30"))
    ]


def test_a_weekday_is_never_today() -> None:
    monday = datetime(2026, 3, 30, 10, 0, tzinfo=PARIS)
    assert understood("tâche arroser les plantes lundi", monday) == [
        todo("Arroser les plantes", due_at=at("2026-04-06T09:00", SUMMER))
    ]


def test_a_question_is_no_action_that_makes_a_bare_phrase_beside_it_a_todo() -> None:
    # The items of a sequence without a cue become todos once the message holds an action;
    # a question holds none: "le garage" alone is not something to do.
    assert [a.fn for a in parse("quelles tâches en retard ; le garage", now=NOW)] == ["find_todos"]
    assert [a.fn for a in parse("quelles tâches en retard ; acheter du pain", now=NOW)] == [
        "find_todos",
        "create_todo",
    ]
    assert [a.fn for a in parse("ajoute du pain ; le garage", now=NOW)] == ["create_todo"] * 2


def test_it_needs_no_projects() -> None:
    assert parse("idée pour Portfolio : mode sombre", now=NOW) == []
    assert parse("ajoute acheter du pain", now=NOW) == [todo("Acheter du pain")]


def test_a_dictated_paragraph_keeps_its_words_in_the_description() -> None:
    words = "acheter du pain " * 40
    [action] = understood(f"todo {words}demain")
    assert len(action.args["title"]) <= 500
    assert action.args["title"].endswith("pain…")
    assert action.args["description"] == words.strip().capitalize()
    assert action.args["due_at"] == at("2026-03-26T09:00")


def test_it_reads_decomposed_accents() -> None:
    decomposed = unicodedata.normalize("NFD", "tâche payer le loyer le 3 décembre")
    assert understood(decomposed) == [todo("Payer le loyer", due_at=at("2026-12-03T09:00"))]


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse("ajoute acheter du pain", now=datetime(2026, 3, 25, 10, 0))  # noqa: DTZ001


def test_it_reads_most_looser_phrasings() -> None:
    right = sum(understood(text) == expected for text, expected in HELD_OUT)
    assert right / len(HELD_OUT) >= 0.8
