"""Questions, understood without a language model: the same query calls the model would make
(agent/queries.py), for the common forms, in French and English.

- "qu'est-ce que j'ai demain / aujourd'hui / cette semaine / lundi / le 12 ?", "j'ai quoi
  demain", "what do I have tomorrow", "anything on friday?": the agenda of that period
  (`find_events`) and the todos due in it (`find_todos`; a period that starts today takes the
  late ones too, as the morning digest does);
- "mon agenda de la semaine prochaine", "my schedule for next week", "mes rdv demain": the
  agenda alone;
- "quelles tâches en retard", "overdue tasks": `find_todos(overdue=true)`;
- "qu'est-ce qu'il me reste à faire aujourd'hui", "what's left to do today", "mes tâches de
  demain": the todos due in the period (today: and the late ones); "mes tâches": the open ones;
- "où en est le projet X", "how is X going": `project_overview` of a project named in it;
  "où en est le projet Y", Y none of the owner's, asks for Y by name (no such project);
- "j'ai pris mes médocs hier ?", "did I take my meds yesterday?": `find_checkins` (a question
  only: with a question mark or an interrogative start; "j'ai pris mes médocs" is the action);
- "les nouvelles offres", "new job offers", "offres favorites", "offres où j'ai postulé":
  `find_job_offers` with that status.

Periods, in ``now.tzinfo``: a day is [its 00:00, the next 00:00); "cette semaine"/"this week"
is from today to next Monday (for medication, from this Monday to today); "la semaine
prochaine"/"next week" Monday to Monday; "ce week-end" Saturday to Monday; "ce mois-ci" today
to the 1st; no period said: today. Days are read as the rest of the parser reads them (`when`):
"lundi" is the next Monday, never today; "le 12" the next 12th, today included.

A part that starts like an order ("ajoute…", "rappelle-moi…") is no question. A part with a
question before a "?" and an order after it ("j'ai quoi demain ? ajoute du pain") gives the
queries, then the order's actions.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from agent.offline_parser.classify import MEDS, ParsedAction, Projects, parse_part
from agent.offline_parser.lexicon import WEEKDAYS
from agent.offline_parser.text import Text, alt, fold
from agent.offline_parser.when import take_when

# The query calls this module makes (agent/queries.py's names); every other call is an action.
QUERIES = frozenset(
    {"find_events", "find_todos", "project_overview", "find_checkins", "find_job_offers"}
)

Period = tuple[datetime, datetime]

_ORDER = re.compile(
    r"^[\s\x00]*(?:ajoute|rajoute|add|note|cree|create|planifie|schedule|programme|mets|put"
    r"|rappelle|remind|book|reserve|bloque|block|todo|tache|task|idee|idea|etape|step)\b"
)

_INTERROGATIVE_START = re.compile(
    r"^[\s\x00]*(?:est-ce\s+qu|est\s+ce\s+qu|ai-je|as-tu|did\s+i|have\s+i|had\s+i|do\s+i"
    r"|did\s+you|have\s+you|is\s+there|are\s+there|any)\b"
)

# Words a question wraps around what it asks; what is left once they, the subject and the
# period are gone must be nothing for a bare noun phrase ("mon agenda demain") to be a question.
_FILLERS = frozenset(
    {
        "a", "au", "aux", "de", "du", "des", "d'", "la", "le", "les", "l'", "pour", "for",
        "on", "in", "at", "of", "the", "ce", "cet", "cette", "this", "quel", "quelle", "quels",
        "quelles", "which", "what", "whats", "what's", "are", "is", "sont", "est", "me",
        "moi", "my", "mon", "ma", "mes", "show", "montre", "affiche", "liste", "list", "donne",
        "give", "y", "il", "a-t-il", "t-il", "there", "any", "please", "stp", "svp",
    }
)  # fmt: skip

# Unambiguous: these start a question whatever follows.
_ASK_DAY = re.compile(
    r"\b(?:qu'?est[- ]ce\s+(?:que\s+j'?\s?ai|qu'il\s+y\s+a|qui\s+est\s+prevu)(?!\s+a\s+faire)"
    r"|(?:dis|dites|montre|montrez)[- ]moi\s+ce\s+"
    r"(?:que\s+j'?\s?ai|qu'il\s+y\s+a|qui\s+est\s+prevu)(?!\s+a\s+faire)|tell\s+me\s+what\s+i\s+have(?!\s+to\s+do)"
    r"|j'?\s?ai\s+quoi(?!\s+a\s+faire)|qu'ai[- ]je|quoi\s+de\s+prevu"
    r"|est[- ]ce\s+que\s+j'?\s?ai\s+(?:un|une|des|quelque\s+chose)"
    r"|what\s+(?:do|did)\s+i\s+have(?!\s+to\s+do)|what\s+have\s+i\s+got|what'?s\s+on"
    r"|what\s+is\s+on|what'?s\s+planned|what\s+is\s+planned|anything\s+(?:on|planned)"
    r"|do\s+i\s+have\s+(?:anything|something|an?\b|any))"
)

_LEFT_TO_DO = re.compile(
    r"\b(?:(?:qu'?est[- ]ce\s+qu'?|qu'|quoi\s+)?(?:il\s+)?me\s+reste(?:[- ]t[- ]il)?"
    r"(?:\s+a\s+faire)?|reste\s+a\s+faire|(?:qu'?est[- ]ce\s+que\s+)?j'?\s?ai\s+(?:quoi\s+)?a"
    r"\s+faire|que\s+dois[- ]je\s+faire|what'?s\s+left(?:\s+to\s+do)?|what\s+is\s+left"
    r"|what\s+(?:do|should)\s+i\s+(?:still\s+)?(?:have|need)\s+to\s+do)\b"
)

_OVERDUE = re.compile(
    r"\b(?:(?:qu'?est[- ]ce\s+qui|quoi)\s+(?:est\s+)?en\s+retard|what'?s\s+overdue"
    r"|what\s+is\s+overdue|(?:which|what)\s+(?:tasks|todos)\s+are\s+(?:overdue|late))\b"
)

# Noun phrases: a question only with a question mark, an interrogative start, or alone.
_OVERDUE_NOUN = re.compile(
    r"\b(?:(?:taches?|todos?|choses?|trucs?)\s+(?:qui\s+sont\s+|sont\s+)?en\s+retard"
    r"|mes\s+retards|overdue(?:\s+(?:tasks|todos))?|(?:late|past\s+due)\s+(?:tasks|todos))\b"
)

_TODOS_NOUN = re.compile(
    r"\b(?:mes|les|my|the)?\s*(?:taches|todos|to-dos|tasks|choses\s+a\s+faire)\b"
)

_AGENDA_NOUN = re.compile(
    r"\b(?:mon|mes|ma|le|l'|the|my)\s*(?:agenda|planning|programme|emploi\s+du\s+temps"
    r"|rendez-vous|rdv|evenements|schedule|calendar|appointments|events)\b"
)

_PROJECT = re.compile(
    r"^[\s\x00]*(?:ou\s+en\s+(?:est|sont|suis[- ]je\s+(?:avec|sur|dans))|ou\s+j'?\s?en\s+suis"
    r"(?:\s+(?:avec|sur|dans))?|(?:quel\s+est\s+)?l'?etat\s+(?:du|de|d')|(?:l')?avancement"
    r"\s+(?:du|de|d')|(?:fais\s+(?:moi\s+)?)?(?:le\s+)?point\s+sur|how(?:'s|\s+is|\s+are)"
    r"|where\s+(?:am\s+i|are\s+we|is)\s+(?:with|on|at)|status\s+of|progress\s+(?:on|of))\s*"
)

_PROJECT_TAIL = re.compile(r"[\s\x00]*+(?:going|doing|coming\s+along)?[\s\x00?.!]*+")

# "le projet X" after the lead, X a project the owner does not have: the question still has an
# answer (that there is no such project). Only with the word "projet": "how is Paul" asks
# nothing of projects.
_PROJECT_WORD = re.compile(
    r"[\s\x00]*+(?:(?:le|la|the|mon|my|ce|du|de|of)\s++|l'|d')?(?:projet|project)\s++"
)
_TAIL_WORDS = frozenset({"going", "doing", "coming", "along"})
# A name is a few words: a longer rest is a sentence, not a question about a project.
_NAME_WORDS = 4
_NAME_CHARS = 60

_MEDS_NOUN = re.compile(
    rf"\b(?:(?:pris|prise|take|taken|took)\s+(?:mes|mon|ma|les|my|the)|mes|my)\s+{MEDS}\b"
)

_JOBS = re.compile(
    r"\b(?:(?:les|des|mes|the|any)\s+)?(?:(?P<new>nouvelles?|new|dernieres?|latest|recentes?"
    r"|recent)\s+)?(?:(?P<starred_en>starred|favou?rite)\s+)?(?:job\s+offers?|offres?"
    r"|annonces?|jobs?)(?:\s+d'emploi|\s+de\s+(?:job|travail))?\b"
    r"(?:\s+(?P<starred>favorites?|en\s+favoris?|etoilees?)"
    r"|\s+(?:ou|auxquelles|pour\s+lesquelles)\s+j'?\s?ai\s+(?P<applied>postule)"
    r"|\s+i\s+(?P<applied_en>applied)\s+(?:to|for)|\s+(?P<archived>archivees?|archived))?"
)

# An agenda word in a question about a day: the agenda alone ("est-ce que j'ai un rdv demain").
_AGENDA_WORD = re.compile(
    r"\b(?:agenda|planning|rendez-vous|rdv|reunions?|evenements?|meetings?|appointments?"
    r"|events?|calendar|schedule)\b"
)

_PAST_DAY = re.compile(r"\b(?:(?P<two>avant-hier|avant\s+hier)|hier|yesterday)\b")
_WEEKDAY = re.compile(rf"\b(?:{alt(WEEKDAYS)})\b")

_THIS_WEEK = re.compile(r"\b(?:cette\s+semaine|this\s+week)\b")
_NEXT_WEEK = re.compile(r"\b(?:(?:la\s+)?semaine\s+prochaine|next\s+week)\b")
_WEEKEND = re.compile(r"\b(?:ce|le|this|the)\s+week-?\s?end\b")
_THIS_MONTH = re.compile(r"\b(?:ce\s+mois(?:-ci|\s+ci)?|this\s+month)\b")
_NEXT_MONTH = re.compile(r"\b(?:le\s+mois\s+prochain|next\s+month)\b")


def _midnight(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time(), tzinfo=now.tzinfo)


def _day(day: date, now: datetime) -> Period:
    return _midnight(day, now), _midnight(day + timedelta(days=1), now)


def _today(now: datetime) -> Period:
    return _day(now.date(), now)


def _monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _spans(today: date, past: bool) -> list[tuple[re.Pattern[str], tuple[date, date]]]:
    monday = _monday_after(today)
    month = _first_of_next_month(today)
    weekend = today if today.weekday() >= 5 else today + timedelta(days=5 - today.weekday())
    this_week = (today - timedelta(days=today.weekday()), today + timedelta(days=1))
    return [
        (_NEXT_WEEK, (monday, monday + timedelta(days=7))),
        (_THIS_WEEK, this_week if past else (today, monday)),
        (_WEEKEND, (weekend, monday)),
        (_NEXT_MONTH, (month, _first_of_next_month(month))),
        (_THIS_MONTH, (today.replace(day=1) if past else today, month)),
    ]


def _period(text: Text, now: datetime, *, past: bool = False) -> Period | None:
    """The period the part names, blanked from it; None when it names none. `past`: asked of
    what was done (medication), "cette semaine" is Monday to today and "lundi" the last one
    (today included)."""
    today = now.date()
    for pattern, (first, after) in _spans(today, past):
        if text.take(pattern) is not None:
            return _midnight(first, now), _midnight(after, now)
    if (match := text.take(_PAST_DAY)) is not None:
        return _day(today - timedelta(days=2 if match["two"] else 1), now)
    if past and (match := text.take(_WEEKDAY)) is not None:
        return _day(today - timedelta(days=(today.weekday() - WEEKDAYS[match[0]]) % 7), now)
    when = take_when(text, now)
    return _day(when.day, now) if when.day is not None else None


def _is_question(text: Text) -> bool:
    return "?" in text.folded or _INTERROGATIVE_START.search(text.folded) is not None


def _alone(text: Text, *patterns: re.Pattern[str], now: datetime) -> bool:
    """Whether the part is nothing but these phrases, a period and question words."""
    probe = text.copy()
    for pattern in patterns:
        for match in probe.find(pattern):
            probe.blank(match)
    _period(probe, now)
    words = re.findall(r"[\w'-]+", fold(probe.rest()))
    return all(word in _FILLERS for word in words)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _todos_in(period: Period, now: datetime) -> ParsedAction:
    """The todos due in the period; one that starts today takes the late ones too."""
    start, end = period
    args: dict[str, Any] = {"due_before": _iso(end)}
    if start > _today(now)[0]:
        args["due_after"] = _iso(start)
    return ParsedAction("find_todos", args)


def _events_in(period: Period) -> ParsedAction:
    return ParsedAction("find_events", {"start": _iso(period[0]), "end": _iso(period[1])})


def _asks(text: Text, strong: re.Pattern[str], noun: re.Pattern[str], now: datetime) -> bool:
    """A question by its interrogative phrase, or by a noun phrase asked or said alone."""
    if strong.search(text.folded):
        return True
    if noun.search(text.folded) is None:
        return False
    return _is_question(text) or _alone(text, noun, now=now)


def _todos(text: Text, now: datetime) -> list[ParsedAction]:
    if _asks(text, _OVERDUE, _OVERDUE_NOUN, now):
        return [ParsedAction("find_todos", {"overdue": True})]
    if not _asks(text, _LEFT_TO_DO, _TODOS_NOUN, now):
        return []
    period = _period(text.copy(), now)
    if period is None and not _LEFT_TO_DO.search(text.folded):
        return [ParsedAction("find_todos", {})]  # "mes tâches": every open one
    return [_todos_in(period or _today(now), now)]


def _agenda(text: Text, now: datetime) -> list[ParsedAction]:
    if _ASK_DAY.search(text.folded):
        day_or_noun = _AGENDA_WORD.search(text.folded) is None
        span = _period(text.copy(), now) or _today(now)
        # "qu'est-ce que j'ai demain": the day's agenda and todos; "… un rdv demain": the agenda
        return [_events_in(span), _todos_in(span, now)] if day_or_noun else [_events_in(span)]
    if not _asks(text, re.compile(r"(?!)"), _AGENDA_NOUN, now):
        return []
    return [_events_in(_period(text.copy(), now) or _today(now))]


def _project(text: Text, projects: Projects) -> list[ParsedAction]:
    lead = _PROJECT.search(text.folded)
    if lead is None:
        return []
    probe = text.copy()
    probe.blank(lead)
    project = projects.take(probe, right_here=True)
    if project is None:
        return _unknown_project(text, lead.end())
    if _PROJECT_TAIL.fullmatch(probe.folded, lead.end()) is None:
        return []
    return [ParsedAction("project_overview", {"project_id": str(project.id)})]


def _unknown_project(text: Text, start: int) -> list[ParsedAction]:
    """The overview of "le projet X" when X is none of the owner's projects: the query keeps
    the name, and the answer says that there is no such project (agent/queries.py)."""
    word = _PROJECT_WORD.match(text.folded, start)
    if word is None:
        return []
    names = text.original[word.end() :].split()
    while names and fold(names[-1]).strip(" ?.!") in _TAIL_WORDS | {""}:
        names.pop()
    name = " ".join(names).rstrip(" ?.!")
    if not name or len(names) > _NAME_WORDS or len(name) > _NAME_CHARS:
        return []
    return [ParsedAction("project_overview", {"project_id": name})]


def _meds(text: Text, now: datetime) -> list[ParsedAction]:
    if _MEDS_NOUN.search(text.folded) is None:
        return []
    if not (_is_question(text) or _alone(text, _MEDS_NOUN, now=now)):
        return []
    start, end = _period(text.copy(), now, past=True) or _today(now)
    return [ParsedAction("find_checkins", {"start": _iso(start), "end": _iso(end)})]


def _jobs(text: Text, now: datetime) -> list[ParsedAction]:
    match = _JOBS.search(text.folded)
    if match is None or not (_is_question(text) or _alone(text, _JOBS, now=now)):
        return []
    args: dict[str, Any] = {}
    if match["new"]:
        args["status"] = "new"
    if match["starred"] or match["starred_en"]:
        args["status"] = "starred"
    if match["applied"] or match["applied_en"]:
        args["status"] = "applied"
    if match["archived"]:
        args["status"] = "archived"
    return [ParsedAction("find_job_offers", args)]


def _asked(part: str, now: datetime, projects: Projects) -> list[ParsedAction]:
    text = Text(part)
    if _ORDER.search(text.folded):
        return []
    return (
        _project(text.copy(), projects)
        or _meds(text.copy(), now)
        or _todos(text.copy(), now)
        or _agenda(text.copy(), now)
        or _jobs(text.copy(), now)
    )


def ask(part: str, now: datetime, projects: Projects) -> list[ParsedAction]:
    """The query calls one part of a message asks for, then what follows its "?" (another
    question, or an order's actions); [] when it asks nothing this module knows."""
    question, mark, rest = part.partition("?")
    if not (mark and rest.strip()):
        return _asked(part, now, projects)
    asked = _asked(question + mark, now, projects)
    if not asked:
        return []
    return asked + (ask(rest, now, projects) or parse_part(rest, now, projects))
