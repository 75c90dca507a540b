"""Folding: patterns match a lowercase, accent-free copy of the owner's words, of the same
length, so what a pattern consumes can be blanked there and what is left of the original becomes
the title; and the tidying of those leftover words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from types import MappingProxyType

# Blanked (consumed) characters in the folded copy; input control characters are dropped first.
MASK = "\x00"


_APOSTROPHES = MappingProxyType({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def _fold_char(char: str) -> str:
    char = _APOSTROPHES.get(char, char)
    # Exactly one output character per input one, so positions are shared by both texts.
    return unicodedata.normalize("NFD", char)[0].lower()[0]


def fold(text: str) -> str:
    return "".join(_fold_char(char) for char in text)


class Text:
    """The owner's words and a folded copy of the same length.

    Patterns match the folded copy; what a pattern consumes is blanked there, so later patterns
    cannot reuse it, and what is left of the original becomes the title.
    """

    def __init__(self, original: str, folded: str | None = None) -> None:
        self.original = original
        self.folded = fold(original) if folded is None else folded

    def copy(self) -> Text:
        return Text(self.original, self.folded)

    def find(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return list(pattern.finditer(self.folded))

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.folded)
        if match is not None:
            self.blank(match)
        return match

    def take_end(self, reversed_pattern: re.Pattern[str]) -> bool:
        """Blank what `reversed_pattern` matches at the end of the text read backwards.

        A phrase that may repeat up to the end ("merci merci !") is one forward pass this way;
        a forward search would try it from each repetition and read to the end from each.
        """
        match = reversed_pattern.match(self.folded[::-1])
        if match is None or not match.end():
            return False
        start = len(self.folded) - match.end()
        self.folded = self.folded[:start] + MASK * match.end()
        return True

    def blank(self, match: re.Match[str], group: int | str = 0) -> None:
        start, end = match.span(group)
        self.folded = self.folded[:start] + MASK * (end - start) + self.folded[end:]

    def source(self, match: re.Match[str], group: int | str = 0) -> str:
        return self.original[match.start(group) : match.end(group)]

    def rest(self) -> str:
        pairs = zip(self.original, self.folded, strict=True)
        return "".join(" " if folded == MASK else char for char, folded in pairs)

    def is_question(self) -> bool:
        return self.folded.rstrip(" " + MASK).endswith("?")


def alt(words: Iterable[str]) -> str:
    """A regex alternation that tries longer words first, so "demain" never eats "après-demain"."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


def reversed_alt(phrases: Iterable[str]) -> str:
    """`alt` of the phrases written backwards, their spaces as runs of blanks: for a pattern
    matched on reversed text (`Text.take_end`)."""
    return alt(phrase[::-1] for phrase in phrases).replace(r"\ ", r"\s+")


# Possessive (`*+`): what follows never needs the blanks back, and giving them back one by one
# is what made long runs of blanks cost quadratic time.
START = r"^[\x00 ]*+"  # the start of the part, once greetings and cues have been blanked

END = r"[\x00 ]*+$"

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


def clean(raw: str) -> str:
    """Words left over once cues and phrases are gone, without dangling words or punctuation."""
    text = re.sub(r"\s+", " ", raw).strip()
    text = re.sub(r"\s+([,;:.!?)])", r"\1", re.sub(r"\(\s*\)", "", text))
    while True:
        lead = _LEADING_JUNK.match(fold(text))
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
    folded = fold(word)
    core = folded.strip(_PUNCTUATION)
    return not core or core in _DANGLING or folded in _ELISIONS


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
