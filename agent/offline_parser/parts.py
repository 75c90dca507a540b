"""Splitting a message into parts, one action each.

Lines and ";" always separate parts, and so do "puis", "ensuite", "then" ("acheter du pain,
puis appeler le garage"); "et", "and", "," only before an action cue ("… et rappelle-moi de …"),
before a question ("… et dis-moi ce que j'ai demain", "… and what do I have tomorrow"), or
between two phrases that each have their own date ("payer la cantine demain et appeler Paul
lundi"): "acheter du pain et du lait" stays one todo.

An item of a list (the lines under "À faire :", or lines starting with "-", "*", "1.") is a
todo even without a cue or a date; so is an item of a sequence ("…; …", "… puis …") when another
part of the message is an action ("acheter du lait; payer la cantine vendredi"), but "je suis
allé au marché puis à la poste" stays chat.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import Enum

from agent.offline_parser.classify import MEDS, STRONG_EVENTS, Projects
from agent.offline_parser.text import Text, clean, fold
from agent.offline_parser.when import take_when

# A match starts at the first blank of a run, never inside it (each start would read the run).
_SEPARATOR = re.compile(
    r"(?:(?<!\s)|(?!\s))\s*+[,.]\s++(?:(?:et|and)\s++)?(?:(?:puis|ensuite|then|aussi|also)\s++)?"
    r"|(?<!\s)\s++(?:et|and|puis|ensuite|then)(?:\s++(?:puis|ensuite|then|aussi|also))?\s++"
)

_SEQUENCE = re.compile(r"\b(?:puis|ensuite|then)\b")

# Where a new action may start; "acheter du pain et du lait" stays one todo.
_SPLIT_CUE = re.compile(
    r"(?:(?:ajoute|rajoute|add|rappelle|remind|note|cree|create|planifie|schedule|todo|to-do"
    r"|tache|task|idee|idea|etape|step|rdv|rendez-vous|reunion|meeting|evenement|event"
    r"|appointment)\b|n'oublie|don't\s+forget|dont\s+forget"
    r"|(?:nouvelle|nouvel|nouveau|new|un|une|a|an)\s+(?:rdv|rendez-vous|reunion|meeting|tache"
    r"|todo|task|idee|idea|etape|step|evenement|event|rappel|reminder|appointment)\b"
    r"|(?:j'ai|jai|i)\s+(?:bien\s+|just\s+|already\s+|deja\s+)?(?:pris|took)\s+(?:mes|my)\b"
    rf"|(?:mes\s+)?{MEDS}\s+(?:pris|done|taken|ok)\b"
    rf"|(?:j'ai|i\s+have|i've\s+got)\s+(?:un|une|a|an)\s+{STRONG_EVENTS}\b)"
)

# Where a question starts after an order ("ajoute du pain et dis-moi ce que j'ai demain"): it
# is a part of its own, answered (questions.py), not words of the todo's title.
_QUESTION_CUE = re.compile(
    r"(?:(?:dis|dites|montre|montrez|donne|donnez)[- ]moi|qu'?est[- ]ce\s+(?:que|qu'|qui)"
    r"|qu'ai[- ]je|j'?\s?ai\s+quoi|quoi\s+de\s+prevu|est[- ]ce\s+que|ou\s+en\s+(?:est|sont|suis)"
    r"|quelles?\s+(?:taches|todos|offres)|tell\s+me|show\s+me|what(?:'s|\s+(?:do|did|is|are|have))"
    r"|do\s+i\s+have|did\s+i|how(?:'s|\s+is|\s+are))\b"
)

# A line that only announces a list: "À faire :", "Todo:", "Courses :".
_LIST_HEADER = re.compile(
    r"^\s*+(?:(?:ma|la|my|the)\s+)?(?:(?:choses\s+)?a\s+faire|todos?|to-?dos?|to\s+dos?|taches?"
    r"|tasks?|(?:todo|to-?do|task|tache)s?\s*+lists?|liste(?:\s+de\s+courses|\s+des\s+taches)?"
    r"|courses|a\s+acheter|shopping(?:\s+list)?|checklist)\s*+:?\s*+"
)

# The mark of an item: "- ", "* ", "• ", "1. ", "2) ", "[ ] ".
_BULLET = re.compile(r"^\s*+(?:[-*•–—·▪◦]|\d{1,2}[.)]|\[\s?\])\s++")

# Any day will do: the split only asks whether a phrase has a date, not which.
_ANY_DAY = datetime(2024, 1, 1, tzinfo=UTC)


_NO_PROJECTS = Projects(())


class Listed(Enum):
    """Whether a part is an item of something: a todo even without a cue or a date."""

    NO = "no"
    SEQUENCE = "sequence"  # "…; …", "… puis …": when another part of the message is an action
    LIST = "list"  # under "À faire :", or after "-", "*", "1.": always


def split(message: str, projects: Projects = _NO_PROJECTS) -> list[str]:
    """The parts of a message, in order (see the module's docstring)."""
    return [part for part, _listed in split_listed(message, projects)]


def split_listed(message: str, projects: Projects = _NO_PROJECTS) -> list[tuple[str, Listed]]:
    """The parts of a message, each with whether it is an item of a sequence or of a list.

    A project named alone before a comma stays with what follows ("Jardin, note : …")."""
    parts: list[tuple[str, Listed]] = []
    under_header = False
    for line in message.split("\n"):
        if _LIST_HEADER.fullmatch(fold(line)):
            under_header = True
            continue
        bullet = _BULLET.match(line)
        if bullet is not None:
            line = line[bullet.end() :]
        items = [item for item in line.split(";") if item.strip()]
        in_list = under_header or bullet is not None
        for item in items:
            for part, in_sequence in _split_on_connectors(" ".join(item.split()), projects):
                if in_list:
                    parts.append((part, Listed.LIST))
                elif in_sequence or len(items) > 1:
                    parts.append((part, Listed.SEQUENCE))
                else:
                    parts.append((part, Listed.NO))
    return [(part, listed) for part, listed in parts if part.strip()]


def _split_on_connectors(chunk: str, projects: Projects) -> list[tuple[str, bool]]:
    folded = fold(chunk)
    separators = list(_SEPARATOR.finditer(folded))
    pieces = _pieces(folded, separators)
    dated: dict[int, bool] = {}

    def is_dated(i: int) -> bool:
        if i not in dated:
            dated[i] = _has_date_and_words(pieces[i])
        return dated[i]

    parts: list[tuple[str, bool]] = []
    start, listed = 0, False
    for i, match in enumerate(separators):
        if match.start() <= start or match.end() >= len(folded):
            continue
        if projects.named_alone(folded[start : match.start()]):
            continue
        sequence = _SEQUENCE.search(match[0]) is not None
        if not (
            sequence
            or _SPLIT_CUE.match(folded, match.end())
            or _QUESTION_CUE.match(folded, match.end())
            or (is_dated(i) and is_dated(i + 1))
        ):
            continue
        parts.append((chunk[start : match.start()], listed or sequence))
        start, listed = match.end(), sequence
    parts.append((chunk[start:], listed))
    return parts


def _pieces(folded: str, separators: list[re.Match[str]]) -> list[str]:
    """The text between consecutive separators: piece i is before separator i, i + 1 after."""
    bounds = [0] + [b for m in separators for b in (m.start(), m.end())] + [len(folded)]
    return [folded[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds), 2)]


def _has_date_and_words(piece: str) -> bool:
    """Whether a phrase says a date or a time, and something besides ("appeler Paul lundi",
    not "15h" alone as in "entre 14h et 15h")."""
    text = Text(piece)
    when = take_when(text, _ANY_DAY)
    said = when.day is not None or when.has_time()
    return said and bool(clean(text.rest()))
