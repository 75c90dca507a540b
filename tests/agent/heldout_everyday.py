"""Everyday messages for the offline parser, held out: written before the parser learnt several
actions per sentence, places, list prefixes, inline tags, project notes and priorities in words
(issue 13 §4), and NEVER tuned on. Do not edit an expectation to match what the parser does, and
do not fix the parser by looking at one of these: the fixes are driven by the development table
in tests/agent/test_offline_parser_everyday.py; this set only measures them.

Said on Wednesday 25 November 2026 at 10:00 in Paris (+01:00, the tests' frozen clock). The
expectations follow the package's documented rules (agent/offline_parser/__init__.py): a day
alone is 09:00 and does not ring, a time said rings; priorities on core/vocabulary.py's scale
(0 basse, 1 normale, 2 haute, 3 urgente).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from agent.offline_parser import ParsedAction
from agent.situation import ProjectRef
from tests.agent.test_offline_parser import at, checkin, event, idea, ringing, todo
from tests.conftest import PARIS

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)

PORTFOLIO = ProjectRef(uuid.UUID("00000000-0000-4000-8000-0000000000e1"), "Portfolio")
PODCAST = ProjectRef(uuid.UUID("00000000-0000-4000-8000-0000000000e2"), "Podcast")
BATHROOM = ProjectRef(uuid.UUID("00000000-0000-4000-8000-0000000000e3"), "Salle de bain")
PROJECTS = (PORTFOLIO, PODCAST, BATHROOM)

# Days seen from Wednesday 25 November 2026.
TOMORROW, FRIDAY, SATURDAY, SUNDAY, MONDAY = "26", "27", "28", "29", "30"


def nov(day: str, clock: str = "09:00") -> str:
    return at(f"2026-11-{day}T{clock}")


def dec(day: str, clock: str = "09:00") -> str:
    return at(f"2026-12-{day}T{clock}")


HELD_OUT_EVERYDAY: list[tuple[str, list[ParsedAction]]] = [
    # several actions in one sentence
    (
        "acheter du pain et du lait demain, puis appeler le garage vendredi 10h",
        [
            todo("Acheter du pain et du lait", due_at=nov(TOMORROW)),
            ringing("Appeler le garage", nov(FRIDAY, "10:00")),
        ],
    ),
    (
        "appeler maman ce soir et ensuite réserver le restaurant pour samedi",
        [
            todo("Appeler maman", due_at=nov("25", "19:00")),
            todo("Réserver le restaurant", due_at=nov(SATURDAY)),
        ],
    ),
    (
        "buy stamps tomorrow then call the bank on friday at 9",
        [
            todo("Buy stamps", due_at=nov(TOMORROW)),
            ringing("Call the bank", nov(FRIDAY, "09:00")),
        ],
    ),
    (
        "réunion lundi à 10h; déjeuner avec Paul mardi 12h30",
        [
            event("Réunion", nov(MONDAY, "10:00"), nov(MONDAY, "11:00")),
            event("Déjeuner avec Paul", dec("01", "12:30"), dec("01", "13:30")),
        ],
    ),
    (
        "ajoute acheter des œufs puis rappelle-moi d'appeler Léa à 18h",
        [todo("Acheter des œufs"), ringing("Appeler Léa", nov("25", "18:00"))],
    ),
    (
        "sortir les poubelles ce soir; arroser les plantes demain",
        [
            todo("Sortir les poubelles", due_at=nov("25", "19:00")),
            todo("Arroser les plantes", due_at=nov(TOMORROW)),
        ],
    ),
    (
        "call the plumber tomorrow and then email the landlord",
        [todo("Call the plumber", due_at=nov(TOMORROW)), todo("Email the landlord")],
    ),
    (
        "prendre rendez-vous chez le coiffeur puis acheter un cadeau pour Léa samedi",
        [
            todo("Prendre rendez-vous chez le coiffeur"),
            todo("Acheter un cadeau pour Léa", due_at=nov(SATURDAY)),
        ],
    ),
    (
        "rdv avec le notaire jeudi 14h puis passer à la banque vendredi",
        [
            event("Rdv avec le notaire", nov(TOMORROW, "14:00"), nov(TOMORROW, "15:00")),
            todo("Passer à la banque", due_at=nov(FRIDAY)),
        ],
    ),
    (
        "payer la cantine demain et appeler le garage vendredi 10h",
        [
            todo("Payer la cantine", due_at=nov(TOMORROW)),
            ringing("Appeler le garage", nov(FRIDAY, "10:00")),
        ],
    ),
    (
        "water the plants tonight then call mum at 8pm",
        [
            todo("Water the plants", due_at=nov("25", "19:00")),
            ringing("Call mum", nov("25", "20:00")),
        ],
    ),
    (
        "réserver le gîte et puis prévenir les parents dimanche",
        [todo("Réserver le gîte"), todo("Prévenir les parents", due_at=nov(SUNDAY))],
    ),
    (
        "acheter du lait; payer la cantine vendredi; rdv ophtalmo le 3 décembre à 9h15",
        [
            todo("Acheter du lait"),
            todo("Payer la cantine", due_at=nov(FRIDAY)),
            event("Rdv ophtalmo", dec("03", "09:15"), dec("03", "10:15")),
        ],
    ),
    (
        "add call the insurance, then book a table for friday 8pm",
        [todo("Call the insurance"), ringing("Book a table", nov(FRIDAY, "20:00"))],
    ),
    # places
    (
        "rdv dentiste demain à 15h au 12 rue de la Paix",
        [
            event(
                "Rdv dentiste",
                nov(TOMORROW, "15:00"),
                nov(TOMORROW, "16:00"),
                location="12 rue de la Paix",
            )
        ],
    ),
    (
        "réunion de chantier lundi 9h au 4 avenue Foch",
        [
            event(
                "Réunion de chantier",
                nov(MONDAY, "09:00"),
                nov(MONDAY, "10:00"),
                location="4 avenue Foch",
            )
        ],
    ),
    (
        "dîner samedi 20h chez Marc et Julie",
        [
            event(
                "Dîner",
                nov(SATURDAY, "20:00"),
                nov(SATURDAY, "21:00"),
                location="chez Marc et Julie",
            )
        ],
    ),
    (
        "yoga jeudi 18h30 à la salle Pleyel",
        [
            event(
                "Yoga",
                nov(TOMORROW, "18:30"),
                nov(TOMORROW, "19:30"),
                location="la salle Pleyel",
            )
        ],
    ),
    (
        "meeting with the team tomorrow at 2pm at the office",
        [
            event(
                "Meeting with the team",
                nov(TOMORROW, "14:00"),
                nov(TOMORROW, "15:00"),
                location="the office",
            )
        ],
    ),
    (
        "entretien vendredi 11h chez Capgemini, 145 quai du Président Roosevelt",
        [
            event(
                "Entretien",
                nov(FRIDAY, "11:00"),
                nov(FRIDAY, "12:00"),
                location="chez Capgemini, 145 quai du Président Roosevelt",
            )
        ],
    ),
    (
        "rdv banque au 3 place de la République mardi à 11h",
        [
            event(
                "Rdv banque",
                dec("01", "11:00"),
                dec("01", "12:00"),
                location="3 place de la République",
            )
        ],
    ),
    (
        "dentist appointment on friday at 4pm at 221 Baker Street",
        [
            event(
                "Dentist appointment",
                nov(FRIDAY, "16:00"),
                nov(FRIDAY, "17:00"),
                location="221 Baker Street",
            )
        ],
    ),
    (
        "cinéma samedi 21h au Grand Rex",
        [event("Cinéma", nov(SATURDAY, "21:00"), nov(SATURDAY, "22:00"), location="Grand Rex")],
    ),
    (
        "apéro vendredi soir au Bar des Amis",
        [event("Apéro", nov(FRIDAY, "19:00"), nov(FRIDAY, "20:00"), location="Bar des Amis")],
    ),
    (
        "coiffeur mardi 10h à Montreuil",
        [event("Coiffeur", dec("01", "10:00"), dec("01", "11:00"), location="Montreuil")],
    ),
    (
        "réunion parents-profs jeudi à 17h à l'école",
        [
            event(
                "Réunion parents-profs",
                nov(TOMORROW, "17:00"),
                nov(TOMORROW, "18:00"),
                location="l'école",
            )
        ],
    ),
    (
        "Rdv dentiste demain 15h, 12 rue de la Paix",
        [
            event(
                "Rdv dentiste",
                nov(TOMORROW, "15:00"),
                nov(TOMORROW, "16:00"),
                location="12 rue de la Paix",
            )
        ],
    ),
    (
        "lunch with Anna on friday at 1pm at Café Oz",
        [
            event(
                "Lunch with Anna",
                nov(FRIDAY, "13:00"),
                nov(FRIDAY, "14:00"),
                location="Café Oz",
            )
        ],
    ),
    (
        "passer chez le cordonnier samedi",
        [todo("Passer chez le cordonnier", due_at=nov(SATURDAY))],
    ),
    (
        "soirée chez Tom vendredi 20h",
        [event("Soirée chez Tom", nov(FRIDAY, "20:00"), nov(FRIDAY, "21:00"))],
    ),
    # list prefixes
    ("À faire : rappeler l'assurance", [todo("Rappeler l'assurance")]),
    (
        "A faire: acheter des ampoules demain",
        [todo("Acheter des ampoules", due_at=nov(TOMORROW))],
    ),
    ("Todo : réserver le train pour Lyon", [todo("Réserver le train pour Lyon")]),
    (
        "Tâche : renouveler la carte d'identité avant le 15 décembre",
        [todo("Renouveler la carte d'identité", due_at=dec("15"))],
    ),
    (
        "To do: pick up the dry cleaning on saturday",
        [todo("Pick up the dry cleaning", due_at=nov(SATURDAY))],
    ),
    (
        "À faire :\n- acheter du pain\n- appeler le plombier\n- payer la cantine",
        [todo("Acheter du pain"), todo("Appeler le plombier"), todo("Payer la cantine")],
    ),
    (
        "todo list: water the plants tonight",
        [todo("Water the plants", due_at=nov("25", "19:00"))],
    ),
    (
        "Tâches :\nfaire le ménage samedi\nranger la cave",
        [todo("Faire le ménage", due_at=nov(SATURDAY)), todo("Ranger la cave")],
    ),
    # inline tags
    ("acheter des croquettes tag animaux", [todo("Acheter des croquettes", tags=["animaux"])]),
    (
        "ajoute réparer le vélo #maison #weekend",
        [todo("Réparer le vélo", tags=["maison", "weekend"])],
    ),
    (
        "tâche : envoyer le devis à Martin, tag boulot",
        [todo("Envoyer le devis à Martin", tags=["boulot"])],
    ),
    ("todo: update the website, tag work", [todo("Update the website", tags=["work"])]),
    (
        "rappelle-moi de payer la facture EDF vendredi avec le tag maison",
        [todo("Payer la facture EDF", due_at=nov(FRIDAY), tags=["maison"])],
    ),
    # priorities in words
    (
        "appeler le comptable demain, urgent",
        [todo("Appeler le comptable", due_at=nov(TOMORROW), priority=3)],
    ),
    ("ajoute trier les mails, pas pressé", [todo("Trier les mails", priority=0)]),
    (
        "tâche : préparer la présentation, important",
        [todo("Préparer la présentation", priority=2)],
    ),
    ("todo: fix the leaking tap, high priority", [todo("Fix the leaking tap", priority=2)]),
    ("ajoute ranger le grenier quand j'ai le temps", [todo("Ranger le grenier", priority=0)]),
    (
        "rappelle-moi de rappeler le médecin demain à 9h, c'est urgent",
        [ringing("Rappeler le médecin", nov(TOMORROW, "09:00"), priority=3)],
    ),
    ("tâche : changer les ampoules, priorité basse", [todo("Changer les ampoules", priority=0)]),
    (
        "À faire : payer l'amende avant vendredi, priorité haute",
        [todo("Payer l'amende", due_at=nov(FRIDAY), priority=2)],
    ),
    (
        "add task renew the car insurance, low priority",
        [todo("Renew the car insurance", priority=0)],
    ),
    ("urgent : rappeler le client Dupont", [todo("Rappeler le client Dupont", priority=3)]),
    ("todo: book flights asap", [todo("Book flights", priority=3)]),
    ("ajoute nettoyer la voiture, priorité normale", [todo("Nettoyer la voiture", priority=1)]),
    (
        "tâche importante : déclarer les impôts avant le 30",
        [todo("Déclarer les impôts", due_at=nov("30"), priority=2)],
    ),
    ("no rush: sort the photos", [todo("Sort the photos", priority=0)]),
    (
        "À faire : relancer le devis du carreleur #salledebain, important",
        [todo("Relancer le devis du carreleur", priority=2, tags=["salledebain"])],
    ),
    # notes and ideas for a named project
    (
        "note pour le projet Podcast : inviter Marie pour un épisode",
        [idea(PODCAST, "Inviter Marie pour un épisode")],
    ),
    (
        "idée pour Portfolio : une section témoignages",
        [idea(PORTFOLIO, "Une section témoignages")],
    ),
    (
        "Podcast : idée, faire un épisode sur le vélo en ville",
        [idea(PODCAST, "Faire un épisode sur le vélo en ville")],
    ),
    (
        "note pour la salle de bain : prendre les mesures de la douche",
        [idea(BATHROOM, "Prendre les mesures de la douche")],
    ),
    ("idea for the podcast: interview a cyclist", [idea(PODCAST, "Interview a cyclist")]),
    (
        "note for Portfolio: check the contrast on mobile",
        [idea(PORTFOLIO, "Check the contrast on mobile")],
    ),
    (
        "une idée pour le podcast : un épisode sur les vélos cargo",
        [idea(PODCAST, "Un épisode sur les vélos cargo")],
    ),
    ("projet Portfolio, note : refaire le logo", [idea(PORTFOLIO, "Refaire le logo")]),
    (
        "note dans le projet Salle de bain : devis du plombier reçu",
        [idea(BATHROOM, "Devis du plombier reçu")],
    ),
    (
        "acheter un nouveau micro pour le podcast avant vendredi",
        [todo("Acheter un nouveau micro", due_at=nov(FRIDAY), project_id=str(PODCAST.id))],
    ),
    (
        "idée pour le podcast : un épisode sur la réparation de vélos; "
        "rappelle-moi de contacter Paul lundi",
        [
            idea(PODCAST, "Un épisode sur la réparation de vélos"),
            todo("Contacter Paul", due_at=nov(MONDAY)),
        ],
    ),
    # ordinary todos, events, check-ins
    (
        "rappelle-moi d'appeler la crèche demain à 8h30",
        [ringing("Appeler la crèche", nov(TOMORROW, "08:30"))],
    ),
    (
        "acheter un cadeau pour l'anniversaire de Léa avant samedi",
        [todo("Acheter un cadeau pour l'anniversaire de Léa", due_at=nov(SATURDAY))],
    ),
    (
        "réunion d'équipe mardi de 14h à 15h30",
        [event("Réunion d'équipe", dec("01", "14:00"), dec("01", "15:30"))],
    ),
    ("j'ai pris mes médicaments ce matin", [checkin(note="ce matin")]),
    ("meds taken", [checkin()]),
    ("pilules prises", [checkin()]),
    ("kiné vendredi 17h", [event("Kiné", nov(FRIDAY, "17:00"), nov(FRIDAY, "18:00"))]),
    (
        "remind me to call the vet on monday at 10am",
        [ringing("Call the vet", nov(MONDAY, "10:00"))],
    ),
    ("payer le loyer le 1er décembre", [todo("Payer le loyer", due_at=dec("01"))]),
    (
        "anniversaire de Julie samedi 19h",
        [event("Anniversaire de Julie", nov(SATURDAY, "19:00"), nov(SATURDAY, "20:00"))],
    ),
    ("faire les courses samedi matin", [todo("Faire les courses", due_at=nov(SATURDAY))]),
    (
        "dentist on thursday at 3pm",
        [event("Dentist", nov(TOMORROW, "15:00"), nov(TOMORROW, "16:00"))],
    ),
    (
        "visio avec le client demain 11h-12h",
        [event("Visio avec le client", nov(TOMORROW, "11:00"), nov(TOMORROW, "12:00"))],
    ),
    (
        "rdv chez le vétérinaire samedi 10h au 8 rue des Lilas puis acheter des croquettes",
        [
            event(
                "Rdv chez le vétérinaire",
                nov(SATURDAY, "10:00"),
                nov(SATURDAY, "11:00"),
                location="8 rue des Lilas",
            ),
            todo("Acheter des croquettes"),
        ],
    ),
    (
        "meeting with Sarah on monday at 11 at her office, then send the minutes",
        [
            event(
                "Meeting with Sarah",
                nov(MONDAY, "11:00"),
                nov(MONDAY, "12:00"),
                location="her office",
            ),
            todo("Send the minutes"),
        ],
    ),
    ("ok super merci", []),
]
