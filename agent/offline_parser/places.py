"""Where an event happens: a street address anywhere in the part ("au 12 rue de la Paix",
", 221 Baker Street"), else a place introduced by "au", "à la", "chez", "at"… right after its
date or time ("demain à 15h au Grand Rex", "demain au bureau à 10h"). Before the date it stays
in the title: "Dîner chez Paul samedi 20h" is the title "Dîner chez Paul".

A place runs to the next phrase already taken out of the text (a date, a time), to a comma
before a verb ("…, apporter la carte vitale") or to the end of the part; it leaves the title.
"""

from __future__ import annotations

import re

from agent.offline_parser.text import MASK, Text

_STREETS = (
    r"(?:rue|avenue|av|boulevard|bd|bld|place|pl|chemin|allee|impasse|quai|route|cours|square"
    r"|passage|villa|cite|esplanade|parvis|street|st|road|rd|ave|lane|ln|drive|dr|way|court|ct"
    r"|blvd|terrace|crescent)"
)

# A number, then the street's kind, in French before the name ("12 rue de la Paix"), in
# English after up to three words of it ("221 Baker Street").
_ADDRESS = re.compile(
    r"(?:\b(?P<prep>au|a|at|@)\s++|(?<![\w\x00]))(?P<place>\d{1,4}(?:\s?(?:bis|ter|[a-z]))?"
    rf"(?![\w:])(?:\s*+,)?\s++(?:[^\W\d_][\w'\-]*+\s++){{0,3}}?{_STREETS}\b)"
)

# A place after its date or time: what may introduce it, and words that look like a place but
# are not ("à confirmer", "au plus tard", "at least").
_PLACE_LEAD = re.compile(
    r"[\s,]*+(?P<prep>au|aux|a|chez|at|@)\s++(?!(?:plus|propos|sujet|partir|peu|moins|least"
    r"|the\s+latest|the\s+earliest|latest|earliest|confirmer|definir|voir"
    r"|preciser|determiner|confirm|be\s+confirmed)\b)(?P<article>(?:la|le|les|the)\s++|l')?"
    r"(?=[^\x00\s])"
)

_TRAILING = " \t,.!;:"

# Where a place ends: a phrase taken out, or a comma before a French infinitive (checked to be
# written in lower case: ", Pierre" goes on the place).
_PLACE_END = re.compile(r"\x00|,\s++(?P<verb>[a-z]++(?<=[a-z]{2}(?:er|ir|re)))\b")


def take_place(text: Text, before: str) -> str | None:
    """Blank and return the event's place; `before` is the folded text before its dates and
    times were taken, so that the words right after them can be found."""
    address = _ADDRESS.search(text.folded)
    if address is not None:
        found = _take(text, address.start(), address.start("place"))
        if found:
            return found
    for start in _after_taken(before, text.folded):
        lead = _PLACE_LEAD.match(text.folded, start)
        if lead is None or not _names_a_place(text, lead):
            continue
        # "chez" belongs to the place ("chez Julie"), an article too ("la mairie"); "au" not.
        if lead["prep"] == "chez":
            place_start = lead.start("prep")
        else:
            place_start = lead.start("article") if lead["article"] else lead.end()
        found = _take(text, lead.start(), place_start)
        if found:
            return found
    return None


def _names_a_place(text: Text, lead: re.Match[str]) -> bool:
    """After a bare "à", only a name ("à Montreuil"), an article ("à la mairie") or a number:
    "à confirmer" is no place."""
    if lead["prep"] != "a" or lead["article"]:
        return True
    return text.original[lead.end()].isupper()


def _after_taken(before: str, after: str) -> list[int]:
    """Where each phrase taken since `before` ends, in order."""
    ends = []
    for i in range(1, len(after) + 1):
        taken = after[i - 1] == MASK != before[i - 1]
        if taken and (i == len(after) or after[i] != MASK):
            ends.append(i)
    return ends


def _take(text: Text, start: int, place_start: int) -> str | None:
    stop = len(text.folded)
    for found in _PLACE_END.finditer(text.folded, place_start):
        if found["verb"] is None or text.original[found.start("verb")].islower():
            stop = found.start()
            break
    place = text.original[place_start:stop].rstrip(_TRAILING)
    if not place:
        return None
    end = place_start + len(place)
    text.folded = text.folded[:start] + MASK * (end - start) + text.folded[end:]
    return place
