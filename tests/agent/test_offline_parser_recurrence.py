"""The offline parser's repetitions and reminders: French and English phrasings to a todo's
(or an event's) `recurrence` (RRULE), its first occurrence as `due_at` (`starts_at`), and a
todo's `remind_at` when a time was said; the repetition words leave the title."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from agent.actions import validate_args, validation_context
from agent.offline_parser import ParsedAction, parse
from tests.agent.test_offline_parser import (
    NOW,
    OCTOBER,
    PARIS,
    SUMMER,
    Case,
    at,
    event,
    todo,
)

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


def ringing(title: str, due: str, **args: Any) -> ParsedAction:
    return todo(title, due_at=due, remind_at=due, **args)


# Said on Wednesday 2026-03-25 at 10:00 (+01:00); DST starts on Sunday the 29th.
TABLE: list[Case] = [
    # French
    (
        "rappelle-moi d'appeler maman tous les lundis à 18h",
        [
            ringing(
                "Appeler maman", at("2026-03-30T18:00", SUMMER), recurrence="FREQ=WEEKLY;BYDAY=MO"
            )
        ],
    ),
    (
        "ajoute une tâche faire du sport tous les jours",
        [todo("Faire du sport", due_at=at("2026-03-26T09:00"), recurrence="FREQ=DAILY")],
    ),
    (
        "arroser les plantes chaque lundi",
        [
            todo(
                "Arroser les plantes",
                due_at=at("2026-03-30T09:00", SUMMER),
                recurrence="FREQ=WEEKLY;BYDAY=MO",
            )
        ],
    ),
    (
        "todo sortir les poubelles tous les lundis et jeudis",
        [
            todo(
                "Sortir les poubelles",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=WEEKLY;BYDAY=MO,TH",
            )
        ],
    ),
    (
        "tâche changer les draps toutes les 2 semaines",
        [
            todo(
                "Changer les draps",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=WEEKLY;INTERVAL=2",
            )
        ],
    ),
    (
        "todo faire les comptes toutes les deux semaines le vendredi",
        [
            todo(
                "Faire les comptes",
                due_at=at("2026-03-27T09:00"),
                recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
            )
        ],
    ),
    (
        "payer le loyer tous les mois le 5",
        [
            todo(
                "Payer le loyer",
                due_at=at("2026-04-05T09:00", SUMMER),
                recurrence="FREQ=MONTHLY;BYMONTHDAY=5",
            )
        ],
    ),
    (
        "tâche préparer l'ordre du jour le premier lundi du mois",
        [
            todo(
                "Préparer l'ordre du jour",
                due_at=at("2026-04-06T09:00", SUMMER),
                recurrence="FREQ=MONTHLY;BYDAY=1MO",
            )
        ],
    ),
    (
        "todo faire le point en semaine à 8h",
        [ringing("Faire le point", at("2026-03-26T08:00"), recurrence=WEEKDAYS)],
    ),
    (
        "rappelle-moi de souhaiter l'anniversaire de Paul tous les ans le 14 juillet",
        [
            todo(
                "Souhaiter l'anniversaire de Paul",
                due_at=at("2026-07-14T09:00", SUMMER),
                recurrence="FREQ=YEARLY;BYMONTHDAY=14;BYMONTH=7",
            )
        ],
    ),
    (
        "tâche arroser les plantes tous les jours jusqu'au 30 avril",
        [
            todo(
                "Arroser les plantes",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=DAILY;UNTIL=20260430",
            )
        ],
    ),
    (
        "rappelle-moi de prendre mes vitamines tous les jours pendant 3 semaines",
        [
            todo(
                "Prendre mes vitamines",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=DAILY;UNTIL=20260415",
            )
        ],
    ),
    (
        "appeler mamie chaque dimanche à 11h à partir du 5 avril",
        [
            ringing(
                "Appeler mamie", at("2026-04-05T11:00", SUMMER), recurrence="FREQ=WEEKLY;BYDAY=SU"
            )
        ],
    ),
    (
        "tâche méditer tous les soirs",
        [todo("Méditer", due_at=at("2026-03-25T19:00"), recurrence="FREQ=DAILY")],
    ),
    (
        "rappelle-moi de faire une lessive tous les samedis, 4 fois",
        [
            todo(
                "Faire une lessive",
                due_at=at("2026-03-28T09:00"),
                recurrence="FREQ=WEEKLY;COUNT=4;BYDAY=SA",
            )
        ],
    ),
    # DST: the first Sunday is the day the clocks go forward
    (
        "rappelle-moi de sortir les poubelles tous les dimanches à 20h",
        [
            ringing(
                "Sortir les poubelles",
                at("2026-03-29T20:00", SUMMER),
                recurrence="FREQ=WEEKLY;BYDAY=SU",
            )
        ],
    ),
    # reminders without a repetition: a time rings, a day alone does not
    (
        "demain 9h appeler le garage",
        [ringing("Appeler le garage", at("2026-03-26T09:00"))],
    ),
    (
        "rappelle-moi d'appeler le garage demain",
        [todo("Appeler le garage", due_at=at("2026-03-26T09:00"))],
    ),
    ("todo sortir le chien ce soir", [todo("Sortir le chien", due_at=at("2026-03-25T19:00"))]),
    (
        "rappelle-moi de sortir le chien ce soir",
        [ringing("Sortir le chien", at("2026-03-25T19:00"))],
    ),
    # not repetitions
    (
        "todo sortir les poubelles lundi",
        [todo("Sortir les poubelles", due_at=at("2026-03-30T09:00", SUMMER))],
    ),
    ("todo: écrire le rapport mensuel", [todo("Écrire le rapport mensuel")]),
    ("add a todo write the monthly report", [todo("Write the monthly report")]),
    # events repeat too: one event, at its first occurrence
    (
        "réunion d'équipe tous les lundis à 10h",
        [
            event(
                "Réunion d'équipe",
                at("2026-03-30T10:00", SUMMER),
                at("2026-03-30T11:00", SUMMER),
                recurrence="FREQ=WEEKLY;BYDAY=MO",
            )
        ],
    ),
    (
        "rdv kiné tous les mardis et jeudis de 18h à 19h jusqu'au 30 avril",
        [
            event(
                "Rdv kiné",
                at("2026-03-26T18:00"),
                at("2026-03-26T19:00"),
                recurrence="FREQ=WEEKLY;UNTIL=20260430;BYDAY=TU,TH",
            )
        ],
    ),
    (
        "meeting every monday at 9am for 4 weeks",
        [
            event(
                "Meeting",
                at("2026-03-30T09:00", SUMMER),
                at("2026-03-30T10:00", SUMMER),
                recurrence="FREQ=WEEKLY;UNTIL=20260426;BYDAY=MO",
            )
        ],
    ),
    # English
    (
        "remind me to call mom every Monday at 6pm",
        [ringing("Call mom", at("2026-03-30T18:00", SUMMER), recurrence="FREQ=WEEKLY;BYDAY=MO")],
    ),
    (
        "add a todo stretch every day",
        [todo("Stretch", due_at=at("2026-03-26T09:00"), recurrence="FREQ=DAILY")],
    ),
    (
        "add a todo water the plants every monday and thursday",
        [
            todo(
                "Water the plants",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=WEEKLY;BYDAY=MO,TH",
            )
        ],
    ),
    (
        "add a todo clean the fridge every 2 weeks",
        [
            todo(
                "Clean the fridge",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=WEEKLY;INTERVAL=2",
            )
        ],
    ),
    (
        "remind me to pay rent monthly on the 5th",
        [
            todo(
                "Pay rent",
                due_at=at("2026-04-05T09:00", SUMMER),
                recurrence="FREQ=MONTHLY;BYMONTHDAY=5",
            )
        ],
    ),
    (
        "add a todo review the budget the first monday of the month",
        [
            todo(
                "Review the budget",
                due_at=at("2026-04-06T09:00", SUMMER),
                recurrence="FREQ=MONTHLY;BYDAY=1MO",
            )
        ],
    ),
    (
        "add a todo check the inbox on weekdays at 8am",
        [ringing("Check the inbox", at("2026-03-26T08:00"), recurrence=WEEKDAYS)],
    ),
    (
        "remind me to wish Paul happy birthday every year on July 14",
        [
            todo(
                "Wish Paul happy birthday",
                due_at=at("2026-07-14T09:00", SUMMER),
                recurrence="FREQ=YEARLY;BYMONTHDAY=14;BYMONTH=7",
            )
        ],
    ),
    (
        "add a todo water the plants every day until April 30",
        [
            todo(
                "Water the plants",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=DAILY;UNTIL=20260430",
            )
        ],
    ),
    (
        "remind me to take vitamins every day for 2 weeks",
        [
            todo(
                "Take vitamins",
                due_at=at("2026-03-26T09:00"),
                recurrence="FREQ=DAILY;UNTIL=20260408",
            )
        ],
    ),
    (
        "add a todo call grandma every sunday at 11am starting April 5",
        [
            ringing(
                "Call grandma", at("2026-04-05T11:00", SUMMER), recurrence="FREQ=WEEKLY;BYDAY=SU"
            )
        ],
    ),
]

# Said on Thursday 2026-10-22 at 10:00 (+02:00); DST ends on Sunday the 25th.
OCTOBER_TABLE: list[Case] = [
    (
        "rappelle-moi d'appeler maman tous les dimanches à 18h",
        [ringing("Appeler maman", at("2026-10-25T18:00"), recurrence="FREQ=WEEKLY;BYDAY=SU")],
    ),
    (
        "remind me to call mom every weekend at 6pm",
        [
            ringing(
                "Call mom", at("2026-10-24T18:00", SUMMER), recurrence="FREQ=WEEKLY;BYDAY=SA,SU"
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[text for text, _ in TABLE])
def test_it_understands_repetitions_and_reminders(text: str, expected: list[ParsedAction]) -> None:
    assert parse(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"), OCTOBER_TABLE, ids=[text for text, _ in OCTOBER_TABLE]
)
def test_it_understands_repetitions_around_the_end_of_dst(
    text: str, expected: list[ParsedAction]
) -> None:
    assert parse(text, now=OCTOBER) == expected


@pytest.mark.parametrize("text", [text for text, _ in TABLE + OCTOBER_TABLE])
def test_every_rule_it_writes_passes_the_tools_validation(text: str) -> None:
    for action in parse(text, now=NOW):
        validate_args(action.fn, action.args, validation_context(PARIS))


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 3, 30, 10, 0, tzinfo=PARIS), "2026-03-30T18:00"),  # Monday, before 18:00
        (datetime(2026, 3, 30, 19, 0, tzinfo=PARIS), "2026-04-06T18:00"),  # Monday, after
    ],
)
def test_on_a_monday_the_first_occurrence_is_today_while_18h_is_ahead(
    now: datetime, due: str
) -> None:
    assert parse("rappelle-moi d'appeler maman tous les lundis à 18h", now=now) == [
        ringing("Appeler maman", at(due, SUMMER), recurrence="FREQ=WEEKLY;BYDAY=MO")
    ]
