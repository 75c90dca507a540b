"""The words the parser knows, French and English: numbers, months, weekdays, days relative to
today, parts of the day, project step statuses. Folded (lowercase, no accents)."""

from __future__ import annotations

from types import MappingProxyType

NUMBER_WORDS = MappingProxyType(
    {
        "un": 1, "une": 1, "a": 1, "an": 1, "one": 1, "deux": 2, "two": 2, "trois": 3,
        "three": 3, "quatre": 4, "four": 4, "cinq": 5, "five": 5, "six": 6, "sept": 7,
        "seven": 7, "huit": 8, "eight": 8, "neuf": 9, "nine": 9, "dix": 10, "ten": 10,
        "quinze": 15, "fifteen": 15, "vingt": 20, "twenty": 20, "trente": 30, "thirty": 30,
    }
)  # fmt: skip


MONTHS = MappingProxyType(
    {
        "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2,
        "february": 2, "feb": 2, "mars": 3, "march": 3, "mar": 3, "avril": 4, "avr": 4,
        "april": 4, "apr": 4, "mai": 5, "may": 5, "juin": 6, "june": 6, "jun": 6,
        "juillet": 7, "juil": 7, "july": 7, "jul": 7, "aout": 8, "august": 8, "aug": 8,
        "septembre": 9, "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10,
        "october": 10, "novembre": 11, "nov": 11, "november": 11, "decembre": 12, "dec": 12,
        "december": 12,
    }
)  # fmt: skip

WEEKDAYS = MappingProxyType(
    {
        "lundi": 0, "monday": 0, "mardi": 1, "tuesday": 1, "mercredi": 2, "wednesday": 2,
        "jeudi": 3, "thursday": 3, "vendredi": 4, "friday": 4, "samedi": 5, "saturday": 5,
        "dimanche": 6, "sunday": 6,
    }
)  # fmt: skip

RELATIVE_DAYS = MappingProxyType(
    {
        "aujourd'hui": 0, "aujourdhui": 0, "auj": 0, "today": 0, "demain": 1, "tomorrow": 1,
        "tmrw": 1, "apres-demain": 2, "apres demain": 2, "day after tomorrow": 2,
        "the day after tomorrow": 2,
    }
)  # fmt: skip

PARTS_OF_DAY = MappingProxyType(
    {
        "matin": "morning", "matinee": "morning", "morning": "morning", "midi": "noon",
        "apres-midi": "afternoon", "apres midi": "afternoon", "aprem": "afternoon",
        "afternoon": "afternoon", "soir": "evening", "soiree": "evening", "evening": "evening",
        "tonight": "evening", "nuit": "night", "night": "night",
    }
)  # fmt: skip

STEP_STATUSES = MappingProxyType(
    {
        "en cours": "doing", "in progress": "doing", "doing": "doing", "wip": "doing",
        "a faire": "todo", "todo": "todo", "to do": "todo", "to-do": "todo",
        "fait": "done", "faite": "done", "termine": "done", "terminee": "done",
        "fini": "done", "finie": "done", "done": "done", "en revue": "review",
        "in review": "review", "review": "review", "backlog": "backlog",
    }
)  # fmt: skip

# Statuses that are ordinary words too: only read after a comma, a dash or "statut".
WEAK_STATUSES = frozenset({"fait", "faite", "fini", "finie", "done", "todo", "review", "doing"})
