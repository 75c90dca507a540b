"""Which of the five actions one part of a message asks for, and its arguments: a check-in,
a project idea or step, a calendar event, else a todo."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from agent.offline_parser.lexicon import STEP_STATUSES, WEAK_STATUSES
from agent.offline_parser.places import take_place
from agent.offline_parser.recurrence import place, take_repeat
from agent.offline_parser.text import (
    END,
    START,
    Text,
    alt,
    capitalise,
    clean,
    fold,
    reversed_alt,
)
from agent.offline_parser.when import When, resolve_end, resolve_start, take_when
from agent.situation import ProjectRef


@dataclass(frozen=True)
class ParsedAction:
    """One proposed tool call: ``fn`` is the tool's name, ``args`` its JSON-able arguments."""

    fn: str
    args: dict[str, Any]


_POLITE_PREFIX = re.compile(
    r"^(?:(?:bonjour|salut|coucou|hello|hi|hey|ok|okay|alors|please|stp|svp"
    r"|(?:est-ce\s+que\s+|est\s+ce\s+que\s+)?(?:tu\s+peux|tu\s+pourrais|peux-tu|pourrais-tu"
    r"|vous\s+pouvez|pouvez-vous)|can\s+you|could\s+you|would\s+you|merci\s+de|merci\s+d')"
    r"(?:[\s,!.:]+|(?<=')|$))+"
)

_POLITE_WORDS = (
    "stp", "svp", "s'il te plait", "s'il vous plait", "please", "merci", "thanks", "thank you",
    "thx",
)  # fmt: skip

# "merci !" and the like ending the part, matched on the part read backwards (`Text.take_end`):
# searched forwards, "(polite word)+ then the end" is tried from every polite word and read to
# the end from each, quadratic on "merci merci merci …".
_POLITE_SUFFIX_REVERSED = re.compile(
    rf"[\s.!]*+(?:\b(?:{reversed_alt(_POLITE_WORDS)})\b[\s,.!]*+)++"
)

_INTERROGATIVE = re.compile(
    START + r"(?:est-ce\s+qu|est\s+ce\s+qu|qu'est|quand\b|quel|combien\b|pourquoi\b"
    r"|comment\b|ai-je\b|as-tu\b|y\s+a-t-il\b|what\b|when\b|where\b|who\b|why\b|how\b"
    r"|which\b|(?:do|did|does|have|has|is|are|am|should|can|could|will)\s+"
    r"(?:i|you|we|it|there)\b)"
)

MEDS = (
    r"(?:medocs?|medicaments?|medicament|cachets?|pilules?|comprimes?|traitement|meds"
    r"|pills?|medications?|medicines?)"
)

_MEDS_TAKEN = re.compile(
    rf"\b(?:(?:j'ai|j\s+ai|jai)\s+(?:bien\s+|deja\s+)?pris\s+(?:mes|mon|ma|les)\s+{MEDS}"
    rf"|(?:mes\s+)?{MEDS}\s+(?:(?:sont|est)\s+)?(?:bien\s+)?(?:pris|prises?|ok|faits?)"
    rf"|^[\x00 ]*pris\s+(?:mes|les)\s+{MEDS}"
    rf"|(?:\bi(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+)?(?:took|taken)\s+(?:my\s+|the\s+)?"
    rf"{MEDS}|(?:my\s+)?{MEDS}\s+(?:done|taken|ok))\b"
)

# What people add around "j'ai pris mes médocs" that is not a note. A match starts at the
# first of a run of blanks and punctuation, never inside it (each start would read the run).
_NOTE_NOISE = re.compile(
    r"^[\x00 ]*+(?:c'est\s+bon|c'est\s+fait|ca\s+y\s+est|voila|ok|okay|bon|yes|yep|done|hop)\b"
    r"[\s,!.]*+|(?:(?<![\s,!.])|(?![\s,!.]))[\s,!.]*+\b(?:c'est\s+bon|c'est\s+fait"
    r"|ca\s+y\s+est|voila|ok|done)[\s,!.]*+" + END
)

# "n't" only at the end of a word: inside one ("n'tn'tn't…") each would read the word to its end.
_NEGATION = re.compile(r"(?:n't(?!\S)|\bnot|\bpas|\bnever|\bjamais|\bno)\s*+(?:\S++\s++){0,2}+$")

_ARTICLES = (
    r"(?:(?:un|une|le|la|les|a|an|the|mon|ma|my|nouvel|nouvelle|nouveau|new|autre|another)\s+"
    r"|l')*"
)

_ADD = r"(?:ajoute[rz]?|rajoute[rz]?|add|note[rz]?|cree[rz]?|create|jot\s+down|mets|mettre|put)"

# The separator lets the cue follow a project named first ("Portfolio : nouvelle idée, …").
_IDEA_CUE = re.compile(START + rf"(?:[:,\-–—]\s*)?(?:{_ADD}\s+)?{_ARTICLES}(?:idee|idea)s?\b")

# A note is an idea when it names a project ("note pour le projet Podcast : …"); without one,
# "note : …" stays a todo.
_NOTE_CUE = re.compile(
    START + r"(?:[:,\-–—]\s*+)?(?:(?:ajoute[rz]?|rajoute[rz]?|add|prends?|take)\s++)?"
    rf"{_ARTICLES}(?:notes?|noter|notez|memos?)\b"
)

# A project said by the word "projet", whether or not the owner has one by that name.
_SAID_PROJECT = re.compile(
    START + r"[:\-]?\s*+(?:(?:pour|for|au|aux|to|dans|in|into|sur|on|du|de|of)\s++|d')?"
    r"(?:(?:le|la|the|mon|my|ce)\s++|l')?(?:projet|project)\b"
)

_STEP_CUE = re.compile(
    START + rf"(?:[:,\-–—]\s*)?(?:{_ADD}\s+)?{_ARTICLES}(?:etape|step|milestone)s?\b"
)

_PROJECT_LEAD = (
    r"(?:(?:pour|for|au|aux|to|dans|in|into|sur|on|du|de|of)\s+|d')?(?:(?:le|la|the|mon|my|ce)\s+"
    r"|l')?(?:(?:projet|project)\s+)?"
)

_STATUS_TAIL = re.compile(
    rf"(?:(?<!\s)|(?!\s))(?P<sep>\s*+[,;(:\-–—]\s*+|\s++)"
    rf"(?P<kw>(?:statut|status|etat)\s*+[:=]?\s*+)?"
    rf"(?P<st>{alt(STEP_STATUSES)})\)?[\s.!]*+{END}"
)

_EVENT_VERB = (
    r"(?:ajoute[rz]?|rajoute[rz]?|add|cree[rz]?|create|planifie[rz]?|programme[rz]?|schedule"
    r"|book|reserve[rz]?|bloque[rz]?|block|mets|mettre|put|note[rz]?)"
)

_EVENT_META = re.compile(
    START + rf"(?:{_EVENT_VERB}\s+)?{_ARTICLES}(?:evenements?|events?|creneau|slot)\b\s*:?"
)

STRONG_EVENTS = (
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
    START + rf"(?P<prefix>(?:{_EVENT_VERB}\s+{_ARTICLES}|(?:j'ai|j\s+ai|i\s+have|i've\s+got"
    rf"|i\s+got|on\s+a|we\s+have)\s+{_ARTICLES})?)(?:(?P<strong>{STRONG_EVENTS})"
    rf"|(?P<weak>{_WEAK_EVENTS}))\b"
)

# An event word that comes after the date, alone or after one modifier ("standup meeting"),
# but not after a verb: "prendre rdv chez le dentiste demain" is a todo.
_EVENT_AFTER_WHEN = re.compile(
    START + r"(?:[:,\-–—]\s*)?(?:(?![^\s\x00]*(?:er|ir|re)\s|(?:cancel|confirm|book|move)\s)"
    rf"[^\s\x00]+\s+)?(?:{STRONG_EVENTS}|{_WEAK_EVENTS})\b"
)

_TODO_CUE = re.compile(
    START + r"(?:"
    rf"(?:{_ADD}\s+)?{_ARTICLES}(?:(?:taches?|todos?|to-?dos?|to\s+dos?|tasks?)(?:\s*+lists?\b"
    r"|\s++(?:a\s+faire\b))?|liste\s+(?:de\s+|des\s+)?(?:taches|choses\s+a\s+faire)"
    r"|rappels?|reminders?)\b(?:\s*[:\-]\s*|\s+(?:de|pour|to|for|about)\s+|\s+d'|\s+)?"
    r"|(?:choses\s+)?a\s+faire\s*+[:\-]\s*+"
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
    START + r"(?:je|j'|tu|il|elle|on|nous|vous|ils|elles|c'est|c'etait|ce|ca|cela|i|i'm|im"
    r"|it|it's|its|we|you|they|this|that|there|super|genial|cool|trop|bonne|bon|good|great"
    r"|nice|merci|thanks)\b"
)

_LIST_SUFFIX = re.compile(
    r"(?<!\s)\s++(?:a|dans|sur|to|on|in)\s++(?:ma|la|my|the)\s++(?:liste|list|todo|todo\s*list"
    r"|shopping\s+list)(?:\s++de\s++courses)?[\s.!]*+$"
)

_TAG = re.compile(r"(?<![\w&/#])#(?P<tag>\w[\w\-]*)")

# "tag X", "avec le tag X", "étiquette X"; a plural word for a list: "tags X, Y et Z".
_WORD = r"\w[\w\-]*+"
_WORD_TAG = re.compile(
    r"(?:\b(?P<with>avec|with)\s++(?:(?:le|la|les|l'|the|a)\s*+)?)?\b(?:(?:tags|etiquettes"
    rf"|labels)\s*+:?\s*+(?P<many>{_WORD}(?:(?:\s*+,\s*+|\s++(?:et|and)\s++){_WORD})*+)"
    rf"|(?:tag|etiquette|label|tagged)\s*+:?\s*+(?P<one>{_WORD}))"
)

# A match starts at the first blank of a run, never inside it (each start would read the run).
_TAG_SEPARATOR = re.compile(r"(?:(?<!\s)|(?!\s))\s*+,\s*+|(?<!\s)\s++(?:et|and)\s++")

# After these, "tag" is a noun of the title ("acheter un tag NFC").
_DETERMINERS = frozenset(
    {"un", "une", "le", "la", "les", "des", "du", "de", "mon", "ma", "mes", "ce", "cet", "cette",
     "a", "an", "the", "my", "this", "that"}
)  # fmt: skip

# Priorities in words, on core/vocabulary.py's scale (0 basse, 1 normale, 2 haute, 3 urgente).
# Tried in this order, each blanked once found: "pas urgent" is read before "urgent" can be.
_PRIORITIES: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (
        re.compile(
            r"\b(?:(?:c'est|ce\s+n'est|c\s+est)\s+)?(?:(?:basse|faible)\s+(?:priorite|prio)"
            r"|(?:priorite|prio)\s+(?:basse|faible)"
            r"|low\s+(?:priority|prio)|priority\s+low|(?:pas|non|not)\s+(?:tres\s+)?urgente?"
            r"|(?:peu|pas|not)\s+(?:tres\s+|very\s+)?importante?|pas\s+presse(?:e|s|es)?\b"
            r"|rien\s+ne\s+presse|(?:ca|cela)\s+ne\s+presse\s+pas|pas\s+de\s+rush|no\s+rush"
            r"|no\s+hurry|(?:quand|des\s+que)\s+(?:j'ai|j\s+ai|jai|j'aurai)\s+(?:le\s+)?temps"
            r"|when(?:ever)?\s+i\s+(?:have|get|find)\s+(?:the\s+)?time|whenever|un\s+de\s+ces"
            r"\s+jours|someday|some\s+day)\b"
        ),
        0,
    ),
    (
        re.compile(
            r"\b(?:(?:priorite|prio)\s+(?:moyenne|normale)|(?:moyenne|normale)\s+priorite"
            r"|(?:medium|normal)\s+(?:priority|prio)|priority\s+(?:medium|normal))\b"
        ),
        1,
    ),
    (re.compile(r"\b(?:p|prio|priorite|priority)\s*:?\s*(?P<n>[0-3])\b"), None),
    (
        re.compile(
            r"\b(?:c'est\s+)?(?:tres\s+|super\s+|hyper\s+)?urgente?s?\b|\burgentissime\b"
            r"|\b(?:priorite|prio|priority)\s+(?:urgente?|max|maximale?|maximum|absolue|top"
            r"|critique|critical)\b|\b(?:top|max|maximum|absolute|highest|urgent)\s+(?:priorite"
            r"|prio|priority)\b|\basap\b|\bau\s+plus\s+vite\b|\bdes\s+que\s+possible\b"
            r"|\bau\s+plus\s+tot\b|\bas\s+soon\s+as\s+possible\b"
            r"|(?:^|[\s,(:\-])(?:c'est\s+)?(?:tres|very|super|hyper)\s+importante?[\s!.)]*+" + END
        ),
        3,
    ),
    (
        re.compile(
            r"\b(?:priorite|prio|priority)\s+(?:haute|elevee|high)\b"
            r"|\b(?:haute|high|grosse|forte)\s+(?:priorite|prio|priority)\b"
            r"|(?:^|[\s,(:\-])(?:c'est\s+)?importante?[\s!.)]*+"
            + END
            + r"|"
            + START
            + r"(?:c'est\s+)?importante?\b(?:\s*+[:,\-]\s*+)?"
        ),
        2,
    ),
)

# A French infinitive first ("nettoyer le frigo", "prendre rdv"): how a task is written.
_INFINITIVE = re.compile(
    START + r"(?!(?:hier|super|entre|notre|votre|autre|contre|quatre|premier|dernier|frere|mere"
    r"|pere|soir|noir|hiver|leur|cher|chere|mer|fer|vers|sur|pour|par)\b)[a-z]++"
    r"(?<=[a-z]{2}(?:er|ir|re))\b"
)


def starts_like_a_task(part: str) -> bool:
    """Whether a part starts with a French infinitive, as tasks are written."""
    return _INFINITIVE.search(fold(part)) is not None


# The tools' argument limits (agent/actions.py); longer values would only fail validation.
_TITLE_LIMIT, _TAG_LIMIT, _TAGS_LIMIT = 500, 50, 20


def _title(text: Text) -> str:
    return capitalise(clean(text.rest()))


def _titled(title: str) -> dict[str, Any]:
    """Title arguments within the tools' limit; a dictated paragraph keeps its words in the
    description rather than failing validation."""
    if len(title) <= _TITLE_LIMIT:
        return {"title": title}
    short = title[: _TITLE_LIMIT - 1].rsplit(" ", 1)[0]
    return {"title": f"{short}…", "description": title}


def _take_tags(text: Text) -> list[str]:
    said: list[str] = []
    for match in text.find(_TAG):
        text.blank(match)
        said.append(text.source(match, "tag"))
    for match in text.find(_WORD_TAG):
        before = text.folded[max(0, match.start() - 8) : match.start()].split()
        if not match["with"] and before and before[-1] in _DETERMINERS:
            continue
        text.blank(match)
        words = text.source(match, "many") if match["many"] else text.source(match, "one")
        said.extend(_TAG_SEPARATOR.split(words))
    tags: list[str] = []
    for tag in (word.lower() for word in said):
        if tag not in tags and len(tag) <= _TAG_LIMIT:
            tags.append(tag)
    return tags[:_TAGS_LIMIT]


def _take_priority(text: Text) -> int | None:
    priority: int | None = None
    for pattern, value in _PRIORITIES:
        for match in text.find(pattern):
            text.blank(match)
            if priority is None:
                priority = int(match["n"]) if value is None else value
    return priority


def _take_status(text: Text) -> str | None:
    match = _STATUS_TAIL.search(text.folded)
    if match is None:
        return None
    status = re.sub(r"\s+", " ", match["st"])
    if status in WEAK_STATUSES and not match["kw"] and not match["sep"].strip():
        return None
    text.blank(match)
    return STEP_STATUSES[status]


class Projects:
    """The owner's projects, found by name whatever the case and accents."""

    def __init__(self, projects: Sequence[ProjectRef]) -> None:
        self._by_name: dict[str, ProjectRef] = {}
        for project in projects:
            self._by_name.setdefault(" ".join(fold(project.name).split()), project)
        self._by_name.pop("", None)
        names = sorted(self._by_name, key=len, reverse=True)
        name = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
        named = rf"(?P<name>{name})(?!\w)(?:\s+(?:project|projet)\b)?"
        self._right_here = re.compile(rf"{START}[:\-]?\s*{_PROJECT_LEAD}{named}")
        self._anywhere = re.compile(
            r"(?:(?:\b(?:pour|for|au|to|dans|in|into|sur|on|du|de|of)\s+|\bd')"
            r"(?:(?:le|la|the|mon|my|ce)\s+|l')?(?:(?:projet|project)\s+)?"
            rf"|\b(?:projet|project)\s+){named}"
        )
        self._alone = re.compile(
            rf"\s*+(?:(?:le|la|the|mon|my)\s++)?(?:(?:projet|project)\s++)?{named}\s*+"
        )
        self.empty = not names

    def named_alone(self, folded: str) -> bool:
        """Whether these words only name a project ("Jardin" in "Jardin, note : …")."""
        return not self.empty and self._alone.fullmatch(folded) is not None

    def take(self, text: Text, *, right_here: bool) -> ProjectRef | None:
        """Blank and return a project named at the start of the text, or anywhere after a
        preposition or the word "projet"."""
        if self.empty:
            return None
        match = text.take(self._right_here if right_here else self._anywhere)
        if match is None:
            return None
        return self._by_name[" ".join(match["name"].split())]

    def take_near(self, text: Text) -> ProjectRef | None:
        return self.take(text, right_here=True) or self.take(text, right_here=False)


# None: not this kind of action; []: it is this kind, but unusable (no project, no title).
_Found: TypeAlias = list[ParsedAction] | None


def _checkin(text: Text) -> _Found:
    match = _MEDS_TAKEN.search(text.folded)
    if match is None or text.is_question():
        return None
    if _NEGATION.search(text.folded[: match.start()]):
        return None
    text.blank(match)
    for noise in text.find(_NOTE_NOISE):
        text.blank(noise)
    note = clean(text.rest())
    return [ParsedAction("toggle_daily_checkin", {"note": note} if note else {})]


def _cue_and_project(
    text: Text, cue: re.Pattern[str], projects: Projects
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


def _idea(text: Text, projects: Projects) -> _Found:
    cued, project = _cue_and_project(text, _IDEA_CUE, projects)
    if not cued:
        return _note(text, projects)
    content = _title(text)
    if project is None or not content:
        return []
    return [ParsedAction("add_project_idea", {"project_id": str(project.id), "content": content})]


def _note(text: Text, projects: Projects) -> _Found:
    """A note for a project is one of its ideas; "note : …" naming no project is a todo, and a
    note for a project the owner does not have is nothing."""
    cued, project = _cue_and_project(text, _NOTE_CUE, projects)
    if not cued:
        return None
    if project is None:
        return [] if _SAID_PROJECT.search(text.folded) else None
    content = _title(text)
    if not content:
        return []
    return [ParsedAction("add_project_idea", {"project_id": str(project.id), "content": content})]


def _step(text: Text, projects: Projects) -> _Found:
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


def _event_kind(text: Text) -> str | None:
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


def _event(text: Text, now: datetime) -> _Found:
    kind = _event_kind(text)
    if kind is None and _TODO_CUE.search(text.folded) is not None:
        return None
    before = text.folded
    repeat = take_repeat(text, now.date())  # before the dates: "jusqu'au 5" ends the series
    when = take_when(text, now)
    if kind is None and _EVENT_AFTER_WHEN.search(text.folded) is None:
        return None
    if kind != "strong" and not when.has_time():
        return None  # "déjeuner avec Paul vendredi" may still be a todo
    start = resolve_start(when, now)
    series = place(repeat, start, now) if repeat is not None else None
    if series is not None:
        start = series[1]  # the first occurrence
    location = take_place(text, before)
    title = _title(text)
    if start is None or not title:
        return []
    args: dict[str, Any] = {
        **_titled(title),
        "starts_at": start.isoformat(),
        "ends_at": resolve_end(when, start).isoformat(),
    }
    if location:
        args["location"] = location
    if series is not None:
        args["recurrence"] = series[0]
    return [ParsedAction("create_calendar_event", args)]


# The cues that ask for a reminder, not only for a todo.
_REMIND_CUE = re.compile(r"rappel|remind|penser|oublie|forget")


def _rings(when: When, cue: re.Match[str] | None) -> bool:
    """Whether a todo gets a reminder at its due moment: when a time was said ("à 18h", "dans
    2 heures"), or a part of the day after "rappelle-moi" ("rappelle-moi ce soir"); a day alone
    does not ring (the morning digest lists it)."""
    if when.start is not None or when.instant is not None:
        return True
    return when.part_of_day is not None and cue is not None and bool(_REMIND_CUE.search(cue[0]))


def _todo(text: Text, now: datetime, projects: Projects, *, listed: bool) -> _Found:
    # The project first: the cue would otherwise eat the "pour" of "pour le projet Portfolio".
    project = projects.take(text, right_here=False)
    cue = text.take(_TODO_CUE)
    question = text.is_question()
    text.take(_LIST_SUFFIX)
    tags = _take_tags(text)
    priority = _take_priority(text)
    repeat = take_repeat(text, now.date())  # before the dates: "jusqu'au 5" is the series' end
    when = take_when(text, now)
    if repeat is not None and repeat.part_of_day and not when.has_time():
        when.part_of_day = repeat.part_of_day
    due = resolve_start(when, now)
    series = place(repeat, due, now) if repeat is not None else None
    if series is not None:
        due = series[1]
    title = _title(text)
    if not title or (cue is None and (question or _STATEMENT.search(fold(title)))):
        return []
    # Without a cue, a todo is a dated phrase ("appeler le plombier demain"), one with a tag or
    # a priority, or an item of a list ("pain; lait", "… puis appeler Léa").
    if cue is None and due is None and not (listed or tags or priority is not None):
        return []
    args = _titled(title)
    optional = {
        "due_at": due and due.isoformat(),
        "remind_at": due.isoformat() if due and _rings(when, cue) else None,
        "recurrence": series and series[0],
        "priority": priority,
        "tags": tags or None,
    }
    args.update({key: value for key, value in optional.items() if value is not None})
    if project is not None:
        args["project_id"] = str(project.id)
    return [ParsedAction("create_todo", args)]


def parse_part(
    part: str, now: datetime, projects: Projects, *, listed: bool = False
) -> list[ParsedAction]:
    """The actions one part asks for; `listed`: it is an item of a list or of a sequence ("…
    puis …"), a todo even without a cue or a date."""
    text = Text(part)
    text.take(_POLITE_PREFIX)
    text.take_end(_POLITE_SUFFIX_REVERSED)
    if not clean(text.rest()) or _INTERROGATIVE.search(text.folded):
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
    return _todo(text.copy(), now, projects, listed=listed) or []
