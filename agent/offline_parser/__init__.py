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
- priorities are core/vocabulary.py's numbers (0 basse, 1 normale, 2 haute, 3 urgente): "p0".."p3"
  and "priorité N" as said; "pas urgent", "pas pressé", "rien ne presse", "quand j'ai le temps",
  "basse priorité", "no rush", "low priority" 0; "priorité normale"/"moyenne", "medium priority"
  1; "important", "priorité haute", "high priority" 2; "urgent", "très important", "asap", "au
  plus vite", "priorité maximale", "top priority" 3;
- a todo rings (``remind_at`` = its due moment) when a time was said: a clock time ("à 18h",
  "demain 9h appeler le garage", "6pm") or a delay ("dans 2 heures"), with or without
  "rappelle-moi"; after "rappelle-moi"/"remind me"/"n'oublie pas", a part of the day rings too
  ("rappelle-moi ce soir" at 19:00). A day alone never rings: the morning digest lists it;
- a repetition ("tous les lundis", "every 2 weeks until June 30"; `recurrence` lists them)
  leaves the title and becomes the todo's or the event's ``recurrence``; its ``due_at`` (or
  ``starts_at``) is the series' first occurrence at or after now, at the time said (09:00 by
  default): on a Monday at 10:00, "tous les lundis à 18h" is today at 18:00, at 19:00 it is
  next Monday.

What else a message may hold:

- several actions: "puis", "ensuite", "then", ";" and new lines always separate them; "et",
  "and", "," when an action cue follows or when both sides have their own date ("payer la
  cantine demain et appeler Paul lundi"); "acheter du pain et du lait demain" is one todo
  (`parts`);
- a list: "À faire :", "Todo :", "Tâche :", "To do:" before a todo; the lines under a line
  "À faire :" alone, or starting with "-", "*", "1.", are todos each;
- tags: "#courses", "tag courses", "avec le tag courses", "tags admin, maison" (lower case);
- a note for a named project ("note pour le projet Podcast : …", "Podcast, note : …") is one
  of its ideas; "note : …" naming no project is a todo;
- an event's place, out of its title into ``location`` (`places`): a street address anywhere
  ("au 12 rue de la Paix", ", 221 Baker Street"), or "au"/"à la"/"chez"/"at" + a place right
  after the date or time ("demain à 15h au Grand Rex"); before them it stays in the title
  ("Dîner chez Paul samedi 20h"). Todos have no place: their words stay in the title.

It reads at most `MAX_PARSED_CHARS` characters of a message (4,096, Telegram's longest message;
a longer one, a long transcript or forward, is cut at the last blank before that), and a run of
one punctuation mark longer than three ("!!!!!!!!") is read as three. Its patterns run in time
linear in what they read (possessive quantifiers, no match starting inside a run of blanks):
`bench/offline_parser.py` prints the worst case of hostile shapes.

Modules, each usable alone: `text` (folding), `lexicon` (the words), `when` (dates and times),
`recurrence` (repetitions), `places` (an event's place), `classify` (which action a part asks
for), `parts` (splitting a message into parts), `questions` (a part that asks rather than
orders: the agent's queries).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from agent.offline_parser.classify import ParsedAction, Projects, parse_part, starts_like_a_task
from agent.offline_parser.parts import Listed, split_listed
from agent.offline_parser.questions import QUERIES, ask
from agent.situation import ProjectRef

__all__ = ["MAX_PARSED_CHARS", "ParsedAction", "parse"]

# What the parser reads of a message: the regex engine holds the GIL while it runs, so its work
# must stay small whatever is sent (a 20,000-character command is accepted by the API).
MAX_PARSED_CHARS = 4096

_PUNCTUATION_RUN = re.compile(r"([^\w\s])\1{3,}")


def _bounded(text: str) -> str:
    """The first `MAX_PARSED_CHARS` characters, cut between words when there is a blank in the
    second half, with runs of one punctuation mark squashed to three."""
    if len(text) > MAX_PARSED_CHARS:
        cut = text[:MAX_PARSED_CHARS]
        blank = max(cut.rfind(" "), cut.rfind("\n"))
        text = cut[:blank] if blank > MAX_PARSED_CHARS // 2 else cut
    return _PUNCTUATION_RUN.sub(r"\1\1\1", text)


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
    composed = unicodedata.normalize("NFC", _bounded(text))
    cleaned = "".join(
        " " if unicodedata.category(c) == "Cc" and c != "\n" else c for c in composed
    )
    known = Projects(projects)
    parts = split_listed(cleaned, known)
    # A question asks queries (questions.py); anything else is read as actions.
    found = [
        ask(part, now, known) or parse_part(part, now, known, listed=kind is Listed.LIST)
        for part, kind in parts
    ]
    # An item of a sequence is a todo without a cue or a date once the message holds an action
    # (a question is none), or when every such item starts like a task ("nettoyer le frigo,
    # ensuite vider …").
    unread = [i for i, (_, kind) in enumerate(parts) if kind is Listed.SEQUENCE and not found[i]]
    acts = any(a.fn not in QUERIES for actions in found for a in actions)
    if acts or all(starts_like_a_task(parts[i][0]) for i in unread):
        for i in unread:
            found[i] = parse_part(parts[i][0], now, known, listed=True)
    return [action for actions in found for action in actions]
