"""Rule-based understanding of the owner's commands, for when no language model answers.

The service must stay useful with no LLM account at all, and when the LLM is down, so this
module turns common French and English phrasings of the agent's five actions into the same
calls the model would propose. It is deliberately conservative: a part it cannot read with
confidence yields no action (the owner confirms every proposal anyway, and "nothing
understood" is a better answer than a wrong guess).

Default times, all in ``now.tzinfo``:

- a todo or an event with a date but no time: 09:00 (the morning digest at 07:30 then lists it);
- "ce matin"/"morning" 09:00, "ce midi"/"noon" 12:00, "après-midi"/"afternoon" 14:00,
  "ce soir"/"tonight"/"evening" 19:00, "cette nuit"/"night" 21:00; with one of these,
  "à 8h" means 20:00 in the afternoon, evening or night;
- a time with no date: today, or tomorrow when that time has already passed;
- a weekday ("jeudi", "jeudi prochain", "on thursday", "next thursday") is the next such day
  after today, never today; said on a Wednesday, "jeudi prochain" is tomorrow, as French
  speakers mean it, and English "next" is read the same way;
- "la semaine prochaine"/"next week" is next Monday; "ce week-end"/"this weekend" Saturday;
- a day of the month alone ("avant le 5", "on the 1st") is the next such day, today included;
- a date without a year that has already passed this year is next year's ("le 12/01" is
  day/month, French order, whatever the language);
- an event without an end lasts one hour; "dans 2 heures" and durations are added in UTC, so a
  DST change neither stretches nor shrinks them; wall-clock times that do not exist (spring
  forward) move forward by the gap, ambiguous ones (fall back) take the first occurrence;
- "p0".."p3" and "priorité N" are taken as the stored number itself (3 is the most urgent).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Any, TypeAlias

__all__ = ["ParsedAction", "ProjectRef", "parse"]


@dataclass(frozen=True)
class ProjectRef:
    """A project the owner has, as the parser needs to recognise it by name."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ParsedAction:
    """One proposed tool call: ``fn`` is the tool's name, ``args`` its JSON-able arguments."""

    fn: str
    args: dict[str, Any]


# --- folding: match on lowercase, accent-free text, keep the owner's words for titles ---------

# Blanked (consumed) characters in the folded copy; input control characters are dropped first.
_MASK = "\x00"
_APOSTROPHES = MappingProxyType({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def _fold_char(char: str) -> str:
    char = _APOSTROPHES.get(char, char)
    # Exactly one output character per input one, so positions are shared by both texts.
    return unicodedata.normalize("NFD", char)[0].lower()[0]


def _fold(text: str) -> str:
    return "".join(_fold_char(char) for char in text)


class _Text:
    """The owner's words and a folded copy of the same length.

    Patterns match the folded copy; what a pattern consumes is blanked there, so later patterns
    cannot reuse it, and what is left of the original becomes the title.
    """

    def __init__(self, original: str, folded: str | None = None) -> None:
        self.original = original
        self.folded = _fold(original) if folded is None else folded

    def copy(self) -> _Text:
        return _Text(self.original, self.folded)

    def find(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return list(pattern.finditer(self.folded))

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.folded)
        if match is not None:
            self.blank(match)
        return match

    def blank(self, match: re.Match[str], group: int | str = 0) -> None:
        start, end = match.span(group)
        self.folded = self.folded[:start] + _MASK * (end - start) + self.folded[end:]

    def source(self, match: re.Match[str], group: int | str = 0) -> str:
        return self.original[match.start(group) : match.end(group)]

    def rest(self) -> str:
        pairs = zip(self.original, self.folded, strict=True)
        return "".join(" " if folded == _MASK else char for char, folded in pairs)

    def is_question(self) -> bool:
        return self.folded.rstrip(" " + _MASK).endswith("?")


def _alt(words: Iterable[str]) -> str:
    """A regex alternation that tries longer words first, so "demain" never eats "après-demain"."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_START = r"^[\x00 ]*"  # the start of the part, once greetings and cues have been blanked
_END = r"[\x00 ]*$"

# --- lexicon ------------------------------------------------------------------------------------

_NUMBER_WORDS = MappingProxyType(
    {
        "un": 1, "une": 1, "a": 1, "an": 1, "one": 1, "deux": 2, "two": 2, "trois": 3,
        "three": 3, "quatre": 4, "four": 4, "cinq": 5, "five": 5, "six": 6, "sept": 7,
        "seven": 7, "huit": 8, "eight": 8, "neuf": 9, "nine": 9, "dix": 10, "ten": 10,
        "quinze": 15, "fifteen": 15, "vingt": 20, "twenty": 20, "trente": 30, "thirty": 30,
    }
)  # fmt: skip
_MONTHS = MappingProxyType(
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
_WEEKDAYS = MappingProxyType(
    {
        "lundi": 0, "monday": 0, "mardi": 1, "tuesday": 1, "mercredi": 2, "wednesday": 2,
        "jeudi": 3, "thursday": 3, "vendredi": 4, "friday": 4, "samedi": 5, "saturday": 5,
        "dimanche": 6, "sunday": 6,
    }
)  # fmt: skip
_RELATIVE_DAYS = MappingProxyType(
    {
        "aujourd'hui": 0, "aujourdhui": 0, "auj": 0, "today": 0, "demain": 1, "tomorrow": 1,
        "tmrw": 1, "apres-demain": 2, "apres demain": 2, "day after tomorrow": 2,
        "the day after tomorrow": 2,
    }
)  # fmt: skip
_PARTS_OF_DAY = MappingProxyType(
    {
        "matin": "morning", "matinee": "morning", "morning": "morning", "midi": "noon",
        "apres-midi": "afternoon", "apres midi": "afternoon", "aprem": "afternoon",
        "afternoon": "afternoon", "soir": "evening", "soiree": "evening", "evening": "evening",
        "tonight": "evening", "nuit": "night", "night": "night",
    }
)  # fmt: skip
_PART_OF_DAY_CLOCK = MappingProxyType(
    {"morning": time(9), "noon": time(12), "afternoon": time(14), "evening": time(19),
     "night": time(21)}
)  # fmt: skip
_PM_PARTS = frozenset({"afternoon", "evening", "night"})
_DEFAULT_CLOCK = time(9)
_STEP_STATUSES = MappingProxyType(
    {
        "en cours": "doing", "in progress": "doing", "doing": "doing", "wip": "doing",
        "a faire": "todo", "todo": "todo", "to do": "todo", "to-do": "todo",
        "fait": "done", "faite": "done", "termine": "done", "terminee": "done",
        "fini": "done", "finie": "done", "done": "done", "en revue": "review",
        "in review": "review", "review": "review", "backlog": "backlog",
    }
)  # fmt: skip
# Statuses that are ordinary words too: only read after a comma, a dash or "statut".
_WEAK_STATUSES = frozenset({"fait", "faite", "fini", "finie", "done", "todo", "review", "doing"})

_NUM = rf"(?:\d{{1,3}}|{_alt(_NUMBER_WORDS)})"
_UNIT = r"(?:minutes?|mins?|mn|heures?|hours?|hrs?|h|jours?|days?|semaines?|weeks?|mois|months?)"
_HM_UNIT = r"(?:minutes?|mins?|mn|heures?|hours?|hrs?|h)"
_HALF = r"(?P<half>\s+(?:et|and)\s+(?:demie?|a\s+half))?"
_DEMI = r"(?:une\s+demi-?\s?heure|half\s+an\s+hour|a\s+half\s+hour)"
_MER = r"(?:a\.?m\.?|p\.?m\.?)(?![a-z])"
_ATOM = (
    rf"(?:\d{{1,2}}\s*h\s*\d{{2}}(?!\d)|\d{{1,2}}\s*h(?![a-z\d])|\d{{1,2}}:\d{{2}}(?:\s*{_MER})?"
    rf"|\d{{1,2}}\.\d{{2}}\s*{_MER}|\d{{1,2}}\s*{_MER}|(?<!apres-)(?<!apres )midi|minuit|noon"
    r"|midnight)"
)
_ANY_CLOCK = rf"(?:{_ATOM}|\d{{1,2}})"
_WD = _alt(_WEEKDAYS)
_MON = _alt(_MONTHS)
# Words that may introduce a date and belong to it ("pour demain", "avant le 3 mai", "on friday").
_DPREP = (
    r"(?:\b(?:pour|avant|d'ici|des|jusqu'a|jusqu'au|by|for|due|on|before|until|le|this|ce"
    r"|cette|next|coming)\s+){0,2}"
)
_TPREP = r"(?:\b(?:a|vers|at|around|about|des|pour|avant|by|before)\s+|@\s*)?"

_OFFSET = re.compile(
    rf"\b(?:dans|in)\s+(?:(?P<n>{_NUM})\s*(?P<unit>{_UNIT})(?![a-z])(?:\s*(?P<m>\d{{2}})(?!\d))?"
    rf"{_HALF}|(?P<demi>{_DEMI}))\b"
)
_DURATION = re.compile(
    rf"\b(?:pendant|durant|for|during|duree\s*:?|pour(?=\s+\S+\s+(?:heure|minute|mn|min)))\s+"
    rf"(?:(?P<n>{_NUM})\s*(?P<unit>{_HM_UNIT})(?![a-z])(?:\s*(?P<m>\d{{2}})(?!\d))?{_HALF}"
    rf"|(?P<demi>{_DEMI}))"
)
_ISO_DATE = re.compile(rf"{_DPREP}\b(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}})\b")
_NUMERIC_DATE = re.compile(
    rf"{_DPREP}(?:\b(?:{_WD})\s+)?(?<![\d/])(?P<d>\d{{1,2}})/(?P<mo>\d{{1,2}})"
    r"(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"
)
_DAY_MONTH = re.compile(
    rf"{_DPREP}(?:\b(?:{_WD}),?\s+)?\b(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<mon>{_MON})\b\.?(?:\s+(?P<y>\d{{4}})\b)?"
)
_MONTH_DAY = re.compile(
    rf"{_DPREP}(?:\b(?:{_WD}),?\s+)?\b(?P<mon>{_MON})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"(?:,?\s+(?P<y>\d{{4}})\b)?(?!\s*(?::|{_MER}))"
)
# "avant le 5", "on the 1st": only when nothing but a time or the end follows the number.
_DAY_OF_MONTH = re.compile(
    r"(?:\b(?:pour|avant|d'ici|des|jusqu'au|by|before|for|until|on)\s+){0,2}"
    r"(?:\ble\s+(?P<fr>\d{1,2})(?:er)?|\bthe\s+(?P<en>\d{1,2})(?:st|nd|rd|th))"
    r"(?=[\s,.;!?]*(?:$|\x00|a\s|at\s))"
)
_RANGE = re.compile(
    rf"(?:\b(?:de|from|entre|between|a|at)\s+)?(?<![\d/:.])(?P<a>{_ANY_CLOCK})\s*"
    rf"(?:-|–|—|\ba\b|\bto\b|\btill\b|\buntil\b|\bet\b|\band\b|jusqu'a)\s*(?P<b>{_ATOM})"
)
_UNTIL = re.compile(rf"\b(?:jusqu'a|jusqu'au|until|till)\s+(?P<b>{_ATOM})")
_RELATIVE = re.compile(rf"{_DPREP}\b(?P<rel>{_alt(_RELATIVE_DAYS)})\b")
_TODAY_PART = re.compile(
    r"\b(?:ce\s+(?P<fr>soir|matin|midi)|cet\s+(?P<fr2>apres-midi|apres midi|aprem)"
    r"|cette\s+(?P<fr3>nuit)|this\s+(?P<en>morning|afternoon|evening)|(?P<tonight>tonight))\b"
)
_WEEKDAY = re.compile(rf"{_DPREP}\b(?P<wd>{_WD})\b(?:\s+(?:prochain|qui\s+vient))?")
_NEXT_WEEK = re.compile(rf"{_DPREP}\b(?:la\s+semaine\s+prochaine|next\s+week)\b")
_WEEKEND = re.compile(r"\b(?:ce|le|this|on\s+the|the)\s+week-?\s?end\b")
_CLOCK = re.compile(
    rf"{_TPREP}(?<![\d/:.])(?P<t>{_ATOM})"
    r"(?:\s+(?:du|de\s+l'|in\s+the|at)\s*(?P<pod>matin|apres-midi|soir|morning|afternoon"
    r"|evening|night))?"
)
_BARE_AT = re.compile(r"\bat\s+(?P<n>\d{1,2})(?![\d:/.]|\s*(?:h\b|%)|\w)")
# Alone, these are nouns too ("soirée jeux"): read them only after "le"/"in the" or a date.
_PART_OF_DAY = re.compile(
    r"(?P<lead>\b(?:le|du|dans\s+la|en|in\s+the|at)\s+)?"
    r"\b(?P<pod>matinee|matin|apres-midi|aprem|soiree|soir|nuit|morning|afternoon|evening|night)\b"
)
_LOCATION = re.compile(
    r"[ ,]*(?P<prep>a|au|aux|chez|at|@)\s+(?P<place>(?:la |le |les |l'|the )?[^\x00\d\s][^\x00]*?)"
    r"[\s.!]*[\x00 ]*$"
)

_POLITE_PREFIX = re.compile(
    r"^(?:(?:bonjour|salut|coucou|hello|hi|hey|ok|okay|alors|please|stp|svp"
    r"|(?:est-ce\s+que\s+|est\s+ce\s+que\s+)?(?:tu\s+peux|tu\s+pourrais|peux-tu|pourrais-tu"
    r"|vous\s+pouvez|pouvez-vous)|can\s+you|could\s+you|would\s+you|merci\s+de|merci\s+d')"
    r"(?:[\s,!.:]+|(?<=')|$))+"
)
_POLITE_SUFFIX = re.compile(
    r"(?:[\s,.!]*\b(?:stp|svp|s'il\s+te\s+plait|s'il\s+vous\s+plait|please|merci|thanks"
    r"|thank\s+you|thx)\b)+[\s.!]*$"
)
_INTERROGATIVE = re.compile(
    _START + r"(?:est-ce\s+qu|est\s+ce\s+qu|qu'est|quand\b|quel|combien\b|pourquoi\b"
    r"|comment\b|ai-je\b|as-tu\b|y\s+a-t-il\b|what\b|when\b|where\b|who\b|why\b|how\b"
    r"|which\b|(?:do|did|does|have|has|is|are|am|should|can|could|will)\s+"
    r"(?:i|you|we|it|there)\b)"
)

_MEDS = (
    r"(?:medocs?|medicaments?|medicament|cachets?|pilules?|comprimes?|traitement|meds"
    r"|pills?|medications?|medicines?)"
)
_MEDS_TAKEN = re.compile(
    rf"\b(?:(?:j'ai|j\s+ai|jai)\s+(?:bien\s+|deja\s+)?pris\s+(?:mes|mon|ma|les)\s+{_MEDS}"
    rf"|(?:mes\s+)?{_MEDS}\s+(?:(?:sont|est)\s+)?(?:bien\s+)?(?:pris|prises?|ok|faits?)"
    rf"|^[\x00 ]*pris\s+(?:mes|les)\s+{_MEDS}"
    rf"|(?:\bi(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+)?(?:took|taken)\s+(?:my\s+|the\s+)?"
    rf"{_MEDS}|(?:my\s+)?{_MEDS}\s+(?:done|taken|ok))\b"
)
# What people add around "j'ai pris mes médocs" that is not a note.
_NOTE_NOISE = re.compile(
    r"^[\x00 ]*(?:c'est\s+bon|c'est\s+fait|ca\s+y\s+est|voila|ok|okay|bon|yes|yep|done|hop)\b"
    r"[\s,!.]*|[\s,!.]*\b(?:c'est\s+bon|c'est\s+fait|ca\s+y\s+est|voila|ok|done)[\s,!.]*" + _END
)
_NEGATION = re.compile(r"(?:n't|\bnot|\bpas|\bnever|\bjamais|\bno)\s*(?:\S+\s+){0,2}$")

_ARTICLES = (
    r"(?:(?:un|une|le|la|les|a|an|the|mon|ma|my|nouvel|nouvelle|nouveau|new|autre|another)\s+"
    r"|l')*"
)
_ADD = r"(?:ajoute[rz]?|rajoute[rz]?|add|note[rz]?|cree[rz]?|create|jot\s+down|mets|mettre|put)"
# The separator lets the cue follow a project named first ("Portfolio : nouvelle idée, …").
_IDEA_CUE = re.compile(_START + rf"(?:[:,\-–—]\s*)?(?:{_ADD}\s+)?{_ARTICLES}(?:idee|idea)s?\b")
_STEP_CUE = re.compile(
    _START + rf"(?:[:,\-–—]\s*)?(?:{_ADD}\s+)?{_ARTICLES}(?:etape|step|milestone)s?\b"
)
_PROJECT_LEAD = (
    r"(?:(?:pour|for|au|aux|to|dans|in|into|sur|on|du|de|of)\s+|d')?(?:(?:le|la|the|mon|my|ce)\s+"
    r"|l')?(?:(?:projet|project)\s+)?"
)
_STATUS_TAIL = re.compile(
    rf"(?P<sep>\s*[,;(:\-–—]\s*|\s+)(?P<kw>(?:statut|status|etat)\s*[:=]?\s*)?"
    rf"(?P<st>{_alt(_STEP_STATUSES)})\)?[\s.!]*{_END}"
)

_EVENT_VERB = (
    r"(?:ajoute[rz]?|rajoute[rz]?|add|cree[rz]?|create|planifie[rz]?|programme[rz]?|schedule"
    r"|book|reserve[rz]?|bloque[rz]?|block|mets|mettre|put|note[rz]?)"
)
_EVENT_META = re.compile(
    _START + rf"(?:{_EVENT_VERB}\s+)?{_ARTICLES}(?:evenements?|events?|creneau|slot)\b\s*:?"
)
_STRONG_EVENTS = (
    r"(?:rdv|rendez-vous|rendez\s+vous|reunion|meeting|appointment|appt|visio|entretien"
    r"|interview|consultation|call\s+with|appel\s+avec)"
)
_WEAK_EVENTS = (
    r"(?:dejeuner|dej|diner|petit-dej|petit\s+dejeuner|brunch|apero|lunch|dinner|breakfast"
    r"|drinks|cafe|coffee|cours|seance|yoga|gym|match|concert|cine|cinema|soiree|fete|party"
    r"|anniversaire|birthday|visite|dentiste|dentist|medecin|doctor|docteur|coiffeur|haircut"
    r"|kine|osteo)"
)
_EVENT_START = re.compile(
    _START + rf"(?P<prefix>(?:{_EVENT_VERB}\s+{_ARTICLES}|(?:j'ai|j\s+ai|i\s+have|i've\s+got"
    rf"|i\s+got|on\s+a|we\s+have)\s+{_ARTICLES})?)(?:(?P<strong>{_STRONG_EVENTS})"
    rf"|(?P<weak>{_WEAK_EVENTS}))\b"
)

# An event word that comes after the date, alone or after one modifier ("standup meeting"),
# but not after a verb: "prendre rdv chez le dentiste demain" is a todo.
_EVENT_AFTER_WHEN = re.compile(
    _START + r"(?:[:,\-–—]\s*)?(?:(?![^\s\x00]*(?:er|ir|re)\s|(?:cancel|confirm|book|move)\s)"
    rf"[^\s\x00]+\s+)?(?:{_STRONG_EVENTS}|{_WEAK_EVENTS})\b"
)

_TODO_CUE = re.compile(
    _START + r"(?:"
    rf"(?:{_ADD}\s+)?{_ARTICLES}(?:taches?|todos?|to-dos?|tasks?|rappels?|reminders?)\b"
    r"(?:\s*[:\-]\s*|\s+(?:de|pour|to|for|about)\s+|\s+d'|\s+)?"
    rf"|{_ADD}\b(?:\s*[:\-]\s*|\s+)(?:(?:a|dans|sur|to|on)\s+(?:ma|la|my|the)\s+"
    r"(?:liste|list|todo|todo\s+list|todolist)\s*[:\-]?\s*)?"
    r"|(?:me\s+)?(?:rappelle|rappelles|rappeler|remind)(?:[- ]?(?:moi|me))?"
    r"(?:\s+(?:de|que|to|that|about|of)\s+|\s+d'|\s+qu'|\s+)?"
    r"|(?:fais|fait)[- ]moi\s+penser\s+(?:a|au)\s+|pense\s+a\s+"
    r"|(?:n'oublie|oublie|don't\s+forget|dont\s+forget)(?:\s+pas)?(?:\s+(?:de|to)\s+|\s+d')?"
    r"|(?:il\s+faut\s+que\s+je|faut\s+que\s+je|je\s+dois|i\s+need\s+to|i\s+have\s+to|i\s+must"
    r"|need\s+to)\s+"
    r")"
)
# Chat, not a command: without a cue, a dated sentence that starts like this is no todo.
_STATEMENT = re.compile(
    _START + r"(?:je|j'|tu|il|elle|on|nous|vous|ils|elles|c'est|c'etait|ce|ca|cela|i|i'm|im"
    r"|it|it's|its|we|you|they|this|that|there|super|genial|cool|trop|bonne|bon|good|great"
    r"|nice|merci|thanks)\b"
)
_LIST_SUFFIX = re.compile(
    r"\s+(?:a|dans|sur|to|on|in)\s+(?:ma|la|my|the)\s+(?:liste|list|todo|todo\s*list"
    r"|shopping\s+list)(?:\s+de\s+courses)?[\s.!]*$"
)
_TAG = re.compile(r"(?<![\w&/#])#(?P<tag>\w[\w\-]*)")
_PRIORITIES: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (
        re.compile(
            r"\b(?:(?:basse|faible)\s+(?:priorite|prio)|(?:priorite|prio)\s+(?:basse|faible)"
            r"|low\s+(?:priority|prio)|priority\s+low|(?:pas|non|not)\s+urgente?"
            r"|(?:peu|pas|not)\s+importante?)\b"
        ),
        1,
    ),
    (
        re.compile(
            r"\b(?:(?:priorite|prio)\s+(?:moyenne|normale)|moyenne\s+priorite"
            r"|(?:medium|normal)\s+(?:priority|prio)|priority\s+medium)\b"
        ),
        2,
    ),
    (re.compile(r"\b(?:p|prio|priorite|priority)\s*:?\s*(?P<n>[0-3])\b"), None),
    (
        re.compile(
            r"\b(?:tres\s+)?urgente?s?\b|\b(?:priorite|prio|priority)\s+(?:haute|elevee|max"
            r"|maximale|high|top)\b|\b(?:haute|high|top|max)\s+(?:priorite|prio|priority)\b"
            r"|\basap\b|(?:^|[\s,(:\-])(?:c'est\s+)?(?:tres\s+|very\s+)?importante?[\s!.)]*" + _END
        ),
        3,
    ),
)

_SEPARATOR = re.compile(
    r"\s*[,.]\s+(?:(?:et|and)\s+)?(?:puis\s+|then\s+|aussi\s+|also\s+)?"
    r"|\s+(?:et|and|puis|then)(?:\s+(?:puis|then|aussi|also))?\s+"
)
# Where a new action may start; "acheter du pain et du lait" stays one todo.
_SPLIT_CUE = re.compile(
    r"(?:(?:ajoute|rajoute|add|rappelle|remind|note|cree|create|planifie|schedule|todo|to-do"
    r"|tache|task|idee|idea|etape|step|rdv|rendez-vous|reunion|meeting|evenement|event"
    r"|appointment)\b|n'oublie|don't\s+forget|dont\s+forget"
    r"|(?:nouvelle|nouvel|nouveau|new|un|une|a|an)\s+(?:rdv|rendez-vous|reunion|meeting|tache"
    r"|todo|task|idee|idea|etape|step|evenement|event|rappel|reminder|appointment)\b"
    r"|(?:j'ai|jai|i)\s+(?:bien\s+|just\s+|already\s+|deja\s+)?(?:pris|took)\s+(?:mes|my)\b"
    rf"|(?:mes\s+)?{_MEDS}\s+(?:pris|done|taken|ok)\b"
    rf"|(?:j'ai|i\s+have|i've\s+got)\s+(?:un|une|a|an)\s+{_STRONG_EVENTS}\b)"
)

_LEADING_JUNK = re.compile(
    r"^(?:[\s,;:.!?\-–—\"'«»“”]+|(?:de|que|to|et|and|puis|then|pour|of|mais|but)(?:\s+|$)"
    r"|d'|qu')+"
)
_PUNCTUATION = " ,;:.!?-–—\"'«»“”"
# Words left dangling at the end once the phrase they introduced is gone ("payer le loyer pour").
_DANGLING = frozenset(
    {
        "a", "au", "aux", "le", "la", "les", "de", "du", "pour", "avant", "vers", "et", "and",
        "puis", "then", "the", "ce", "cet", "cette", "this", "next", "avec", "with",
    }
)  # fmt: skip
_ELISIONS = frozenset({"l'", "d'", "jusqu'", "qu'"})
# The tools' argument limits (agent/actions.py); longer values would only fail validation.
_TITLE_LIMIT, _TAG_LIMIT, _TAGS_LIMIT = 500, 50, 20

# --- when: dates, times, durations -------------------------------------------------------------


@dataclass
class _When:
    """What the temporal phrases of one part said, before it is resolved against now."""

    day: date | None = None
    start: time | None = None
    meridiem_known: bool = False
    end: time | None = None
    part_of_day: str | None = None
    duration: timedelta | None = None
    instant: datetime | None = None
    clock_end: int = -1  # folded position after the last time phrase, where a location may start

    def set_day(self, day: date | None) -> None:
        # The first date found wins; later ones are still blanked out of the title.
        if self.day is None:
            self.day = day

    def has_time(self) -> bool:
        return self.start is not None or self.part_of_day is not None or self.instant is not None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _amount(match: re.Match[str]) -> tuple[int, str]:
    """The quantity of an offset or duration phrase, as (count, unit kind); halves in minutes."""
    if match["demi"]:
        return 30, "minutes"
    count, kind = _number(match["n"]), _unit_kind(match["unit"])
    extra = int(match["m"]) if match["m"] else (30 if match["half"] else 0)
    if kind == "hours" and extra:
        return count * 60 + extra, "minutes"
    return count, kind


def _unit_kind(unit: str) -> str:
    if unit.startswith("mo"):
        return "months"
    if unit.startswith("mi") or unit == "mn":
        return "minutes"
    if unit.startswith("h"):
        return "hours"
    if unit.startswith(("j", "d")):
        return "days"
    return "weeks"


def _delta(count: int, kind: str) -> timedelta:
    return timedelta(minutes=count) if kind == "minutes" else timedelta(hours=count)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=day.year + year, month=month + 1, day=last)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _shift(moment: datetime, delta: timedelta) -> datetime:
    """Add real elapsed time: computed in UTC so a DST change does not bend it."""
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def _local(day: date, clock: time, tz: tzinfo) -> datetime:
    # The UTC round trip moves a wall time that DST skips (02:30 in spring) past the gap.
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC).astimezone(tz)


def _take_offsets(text: _Text, when: _When, now: datetime) -> None:
    for match in text.find(_OFFSET):
        text.blank(match)
        count, kind = _amount(match)
        if kind in ("minutes", "hours") and when.instant is None:
            when.instant = _shift(now, _delta(count, kind)).replace(second=0, microsecond=0)
            when.clock_end = match.end()
        elif kind == "months":
            when.set_day(_add_months(now.date(), count))
        elif kind in ("days", "weeks"):
            when.set_day(now.date() + timedelta(days=count * (7 if kind == "weeks" else 1)))


def _take_durations(text: _Text, when: _When) -> None:
    for match in text.find(_DURATION):
        text.blank(match)
        if when.duration is None:
            when.duration = _delta(*_amount(match))


def _calendar_date(year: str | None, month: int, day: int, today: date) -> date | None:
    full_year = today.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
    try:
        found = date(full_year, month, day)
        if year is None and found < today:
            found = found.replace(year=full_year + 1)
    except ValueError:
        return None
    return found


def _take_dates(text: _Text, when: _When, today: date) -> None:
    for pattern in (_ISO_DATE, _NUMERIC_DATE, _DAY_MONTH, _MONTH_DAY):
        for match in text.find(pattern):
            month = int(match["mo"]) if "mo" in match.re.groupindex else _MONTHS[match["mon"]]
            found = _calendar_date(match["y"], month, int(match["d"]), today)
            if found is not None:
                text.blank(match)
                when.set_day(found)


def _next_day_of_month(today: date, day: int) -> date | None:
    first = today.replace(day=1)
    for months in range(13):
        try:
            found = _add_months(first, months).replace(day=day)
        except ValueError:
            continue  # no 31st this month
        if found >= today:
            return found
    return None


def _take_days_of_month(text: _Text, when: _When, today: date) -> None:
    for match in text.find(_DAY_OF_MONTH):
        found = _next_day_of_month(today, int(match["fr"] or match["en"]))
        if found is not None:
            text.blank(match)
            when.set_day(found)


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _take_days(text: _Text, when: _When, today: date) -> None:
    for match in text.find(_TODAY_PART):
        text.blank(match)
        when.set_day(today)
        word = next(group for group in match.groups() if group)
        when.part_of_day = when.part_of_day or _PARTS_OF_DAY[word]
    for match in text.find(_RELATIVE):
        text.blank(match)
        when.set_day(today + timedelta(days=_RELATIVE_DAYS[re.sub(r"\s+", " ", match["rel"])]))
    for match in text.find(_WEEKDAY):
        text.blank(match)
        when.set_day(_next_weekday(today, _WEEKDAYS[match["wd"]]))
    for match in text.find(_NEXT_WEEK):
        text.blank(match)
        when.set_day(_next_weekday(today, 0))
    for match in text.find(_WEEKEND):
        text.blank(match)
        when.set_day(today if today.weekday() == 5 else _next_weekday(today, 5))


def _clock(raw: str) -> tuple[time, bool] | None:
    """A clock time and whether its half of the day is known (24 h form or am/pm)."""
    word = raw.replace(" ", "")
    if word in ("midi", "noon"):
        return time(12), True
    if word in ("minuit", "midnight"):
        return time(0), True
    match = re.fullmatch(r"(\d{1,2})(?:[h:.](\d{2})?)?(?:(a|p)\.?m\.?)?", word)
    if match is None:
        return None
    hour, minute, meridiem = int(match[1]), int(match[2] or 0), match[3]
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute), bool(meridiem) or hour == 0 or hour >= 12


def _take_ranges(text: _Text, when: _When) -> None:
    for match in text.find(_RANGE):
        start, end = _clock(match["a"]), _clock(match["b"])
        if start is None or end is None or when.start is not None:
            continue
        text.blank(match)
        when.start, when.meridiem_known = start
        when.end = end[0]
        # "2-3pm": the start borrows the end's afternoon when that keeps it before the end.
        if not start[1] and end[1] and time(start[0].hour + 12, start[0].minute) <= end[0]:
            when.start = time(start[0].hour + 12, start[0].minute)
        when.clock_end = match.end()
    for match in text.find(_UNTIL):
        end = _clock(match["b"])
        if end is not None:
            text.blank(match)
            when.end = when.end or end[0]
            when.clock_end = max(when.clock_end, match.end())


def _take_clocks(text: _Text, when: _When) -> None:
    for match in text.find(_CLOCK):
        found = _clock(match["t"])
        if found is None:
            continue
        text.blank(match)
        if match["pod"]:
            when.part_of_day = when.part_of_day or _PARTS_OF_DAY[match["pod"]]
        if when.start is None:
            when.start, when.meridiem_known = found
        when.clock_end = max(when.clock_end, match.end())
    for match in text.find(_BARE_AT):
        hour = int(match["n"])
        if when.start is None and 1 <= hour <= 12:
            text.blank(match)
            # English "at 5" with no am/pm: afternoon for 1-7, when meetings and calls happen.
            when.start = time(hour + 12 if hour <= 7 else hour)
            when.meridiem_known = hour <= 7 or hour == 12
            when.clock_end = max(when.clock_end, match.end())


def _take_parts_of_day(text: _Text, when: _When, before: str) -> None:
    """Parts of the day after a lead word, or right after a date ("demain soir")."""
    for match in text.find(_PART_OF_DAY):
        previous = match.start() - 2  # skip the one space between the date and the word
        after_date = previous >= 0 and before[previous] != _MASK == text.folded[previous]
        if not (match["lead"] or after_date):
            continue
        text.blank(match)
        when.part_of_day = when.part_of_day or _PARTS_OF_DAY[match["pod"]]
        when.clock_end = max(when.clock_end, match.end())


def _take_when(text: _Text, now: datetime) -> _When:
    when = _When()
    before = text.folded
    _take_offsets(text, when, now)
    _take_durations(text, when)
    _take_dates(text, when, now.date())
    _take_days_of_month(text, when, now.date())
    _take_ranges(text, when)
    _take_days(text, when, now.date())
    _take_clocks(text, when)
    _take_parts_of_day(text, when, before)
    return when


def _start_clock(when: _When) -> time | None:
    part = when.part_of_day
    if when.start is None:
        return _PART_OF_DAY_CLOCK[part] if part else None
    if part in _PM_PARTS and not when.meridiem_known and when.start.hour < 12:
        return when.start.replace(hour=when.start.hour + 12)
    return when.start


def _resolve_start(when: _When, now: datetime) -> datetime | None:
    """The moment the phrases designate, or None when they said nothing about time."""
    tz = now.tzinfo
    assert tz is not None  # parse() refuses naive clocks
    if when.instant is not None:
        return when.instant
    clock = _start_clock(when)
    if when.day is None and clock is None:
        return None
    start = _local(when.day or now.date(), clock or _DEFAULT_CLOCK, tz)
    if when.day is None and start <= now:
        start = _local(now.date() + timedelta(days=1), clock or _DEFAULT_CLOCK, tz)
    return start


def _resolve_end(when: _When, start: datetime) -> datetime:
    if when.end is None:
        return _shift(start, when.duration or timedelta(hours=1))
    assert start.tzinfo is not None
    end = _local(start.date(), when.end, start.tzinfo)
    if end <= start:
        end = _local(start.date() + timedelta(days=1), when.end, start.tzinfo)
    return end


# --- titles and other words ----------------------------------------------------------------------


def _clean(raw: str) -> str:
    """Words left over once cues and phrases are gone, without dangling words or punctuation."""
    text = re.sub(r"\s+", " ", raw).strip()
    text = re.sub(r"\s+([,;:.!?)])", r"\1", re.sub(r"\(\s*\)", "", text))
    while True:
        lead = _LEADING_JUNK.match(_fold(text))
        trimmed = _drop_dangling_end(text[lead.end() if lead else 0 :]).strip(_PUNCTUATION)
        if trimmed == text:
            return text
        text = trimmed


def _drop_dangling_end(text: str) -> str:
    words = text.split(" ")
    while words and _is_dangling(words[-1]):
        words.pop()
    return " ".join(words)


def _is_dangling(word: str) -> bool:
    folded = _fold(word)
    core = folded.strip(_PUNCTUATION)
    return not core or core in _DANGLING or folded in _ELISIONS


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(text: _Text) -> str:
    return _capitalise(_clean(text.rest()))


def _titled(title: str) -> dict[str, Any]:
    """Title arguments within the tools' limit; a dictated paragraph keeps its words in the
    description rather than failing validation."""
    if len(title) <= _TITLE_LIMIT:
        return {"title": title}
    short = title[: _TITLE_LIMIT - 1].rsplit(" ", 1)[0]
    return {"title": f"{short}…", "description": title}


def _take_tags(text: _Text) -> list[str]:
    tags: list[str] = []
    for match in text.find(_TAG):
        text.blank(match)
        tag = text.source(match, "tag").lower()
        if tag not in tags and len(tag) <= _TAG_LIMIT:
            tags.append(tag)
    return tags[:_TAGS_LIMIT]


def _take_priority(text: _Text) -> int | None:
    priority: int | None = None
    for pattern, value in _PRIORITIES:
        for match in text.find(pattern):
            text.blank(match)
            if priority is None:
                priority = int(match["n"]) if value is None else value
    return priority


def _take_status(text: _Text) -> str | None:
    match = _STATUS_TAIL.search(text.folded)
    if match is None:
        return None
    status = re.sub(r"\s+", " ", match["st"])
    if status in _WEAK_STATUSES and not match["kw"] and not match["sep"].strip():
        return None
    text.blank(match)
    return _STEP_STATUSES[status]


class _Projects:
    """The owner's projects, found by name whatever the case and accents."""

    def __init__(self, projects: Sequence[ProjectRef]) -> None:
        self._by_name: dict[str, ProjectRef] = {}
        for project in projects:
            self._by_name.setdefault(" ".join(_fold(project.name).split()), project)
        self._by_name.pop("", None)
        names = sorted(self._by_name, key=len, reverse=True)
        name = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
        named = rf"(?P<name>{name})(?!\w)(?:\s+(?:project|projet)\b)?"
        self._right_here = re.compile(rf"{_START}[:\-]?\s*{_PROJECT_LEAD}{named}")
        self._anywhere = re.compile(
            r"(?:(?:\b(?:pour|for|au|to|dans|in|into|sur|on|du|de|of)\s+|\bd')"
            r"(?:(?:le|la|the|mon|my|ce)\s+|l')?(?:(?:projet|project)\s+)?"
            rf"|\b(?:projet|project)\s+){named}"
        )
        self.empty = not names

    def take(self, text: _Text, *, right_here: bool) -> ProjectRef | None:
        """Blank and return a project named at the start of the text, or anywhere after a
        preposition or the word "projet"."""
        if self.empty:
            return None
        match = text.take(self._right_here if right_here else self._anywhere)
        if match is None:
            return None
        return self._by_name[" ".join(match["name"].split())]

    def take_near(self, text: _Text) -> ProjectRef | None:
        return self.take(text, right_here=True) or self.take(text, right_here=False)


# --- the five actions ----------------------------------------------------------------------------

# None: not this kind of action; []: it is this kind, but unusable (no project, no title).
_Found: TypeAlias = list[ParsedAction] | None


def _checkin(text: _Text) -> _Found:
    match = _MEDS_TAKEN.search(text.folded)
    if match is None or text.is_question():
        return None
    if _NEGATION.search(text.folded[: match.start()]):
        return None
    text.blank(match)
    for noise in text.find(_NOTE_NOISE):
        text.blank(noise)
    note = _clean(text.rest())
    return [ParsedAction("toggle_daily_checkin", {"note": note} if note else {})]


def _cue_and_project(
    text: _Text, cue: re.Pattern[str], projects: _Projects
) -> tuple[bool, ProjectRef | None]:
    """Whether the part starts with the cue, and the project it names, before or after it."""
    if text.take(cue) is not None:
        return True, projects.take_near(text)
    probe = text.copy()
    project = projects.take(probe, right_here=True)
    if project is None or probe.take(cue) is None:
        return False, None
    text.folded = probe.folded
    return True, project


def _idea(text: _Text, projects: _Projects) -> _Found:
    cued, project = _cue_and_project(text, _IDEA_CUE, projects)
    if not cued:
        return None
    content = _title(text)
    if project is None or not content:
        return []
    return [ParsedAction("add_project_idea", {"project_id": str(project.id), "content": content})]


def _step(text: _Text, projects: _Projects) -> _Found:
    cued, project = _cue_and_project(text, _STEP_CUE, projects)
    if not cued:
        return None
    status = _take_status(text)
    title = _title(text)
    if project is None or not title:
        return []
    args: dict[str, Any] = {"project_id": str(project.id), "title": title}
    if status is not None:
        args["status"] = status
    return [ParsedAction("add_project_step", args)]


def _event_kind(text: _Text) -> str | None:
    """How sure the start is that this is an event, blanking the verb and article before it.

    "strong" for a meeting word or "event"; "weak" for a word that names an event only when a
    time is given ("lunch", "dentiste").
    """
    if text.take(_EVENT_META) is not None:
        return "strong"
    match = _EVENT_START.search(text.folded)
    if match is None:
        return None
    text.blank(match, "prefix")
    return "strong" if match["strong"] else "weak"


def _event(text: _Text, now: datetime) -> _Found:
    kind = _event_kind(text)
    if kind is None and _TODO_CUE.search(text.folded) is not None:
        return None
    when = _take_when(text, now)
    if kind is None and _EVENT_AFTER_WHEN.search(text.folded) is None:
        return None
    if kind != "strong" and not when.has_time():
        return None  # "déjeuner avec Paul vendredi" may still be a todo
    start = _resolve_start(when, now)
    location = _take_location(text, when.clock_end) if when.has_time() else None
    title = _title(text)
    if start is None or not title:
        return []
    args: dict[str, Any] = {
        **_titled(title),
        "starts_at": start.isoformat(),
        "ends_at": _resolve_end(when, start).isoformat(),
    }
    if location:
        args["location"] = location
    return [ParsedAction("create_calendar_event", args)]


def _take_location(text: _Text, after: int) -> str | None:
    """A place named right after the time and ending the part ("à 9h30 à la mairie")."""
    if after < 0:
        return None
    match = _LOCATION.match(text.folded, after)
    if match is None:
        return None
    text.blank(match)
    place = text.source(match, "place").strip()
    return f"{text.source(match, 'prep')} {place}" if match["prep"] == "chez" else place


def _todo(text: _Text, now: datetime, projects: _Projects) -> _Found:
    # The project first: the cue would otherwise eat the "pour" of "pour le projet Portfolio".
    project = projects.take(text, right_here=False)
    cue = text.take(_TODO_CUE)
    question = text.is_question()
    text.take(_LIST_SUFFIX)
    tags = _take_tags(text)
    priority = _take_priority(text)
    due = _resolve_start(_take_when(text, now), now)
    title = _title(text)
    # Without a cue, only a dated phrase reads as a todo ("appeler le plombier demain").
    if not title or (cue is None and (due is None or question or _STATEMENT.search(_fold(title)))):
        return []
    args = _titled(title)
    optional = {"due_at": due and due.isoformat(), "priority": priority, "tags": tags or None}
    args.update({key: value for key, value in optional.items() if value is not None})
    if project is not None:
        args["project_id"] = str(project.id)
    return [ParsedAction("create_todo", args)]


def _parse_part(part: str, now: datetime, projects: _Projects) -> list[ParsedAction]:
    text = _Text(part)
    text.take(_POLITE_PREFIX)
    text.take(_POLITE_SUFFIX)
    if not _clean(text.rest()) or _INTERROGATIVE.search(text.folded):
        return []
    attempts: tuple[Callable[[], _Found], ...] = (
        lambda: _checkin(text.copy()),
        lambda: _idea(text.copy(), projects),
        lambda: _step(text.copy(), projects),
        lambda: _event(text.copy(), now),
    )
    for attempt in attempts:
        found = attempt()
        if found is not None:
            return found
    return _todo(text.copy(), now, projects) or []


# --- splitting a message into parts -----------------------------------------------------------


def _split(message: str) -> list[str]:
    """Lines and ";" always separate parts; "et", "puis", "and", "," only before an action cue."""
    parts: list[str] = []
    for chunk in re.split(r"[\n;]+", message):
        parts.extend(_split_on_connectors(" ".join(chunk.split())))
    return [part for part in parts if part.strip()]


def _split_on_connectors(chunk: str) -> list[str]:
    folded = _fold(chunk)
    parts, start = [], 0
    for match in _SEPARATOR.finditer(folded):
        if match.start() > start and _SPLIT_CUE.match(folded, match.end()):
            parts.append(chunk[start : match.start()])
            start = match.end()
    parts.append(chunk[start:])
    return parts


def parse(text: str, *, now: datetime, projects: Sequence[ProjectRef] = ()) -> list[ParsedAction]:
    """Understand a message without a language model.

    Args:
        text: the owner's message (typed or transcribed), possibly several actions.
        now: the current time, aware, in the owner's time zone; every relative date
            ("demain", "vendredi", "in 2 hours") resolves in ``now.tzinfo``.
        projects: the owner's projects, matched by name ignoring case and accents.

    Returns:
        The actions understood, in message order; an empty list means nothing was understood.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    # NFC first: a decomposed "é" (macOS, some transcripts) would not fold to one character.
    composed = unicodedata.normalize("NFC", text)
    cleaned = "".join(
        " " if unicodedata.category(c) == "Cc" and c != "\n" else c for c in composed
    )
    known = _Projects(projects)
    return [action for part in _split(cleaned) for action in _parse_part(part, now, known)]
