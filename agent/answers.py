"""What a question comes to: the rows each query found, and at most one short sentence of the
model's own.

The answer the owner reads is rendered by code from the rows (bot/render/answers.py), never
from the model's prose. The model may add one sentence; `model_sentence` keeps it only when it
cannot mislead:

- only the first sentence (up to the first . ! ? or line break), at most 120 characters;
- dropped whole if it holds a digit, a number word (deux, trois, … two, three, …), a quotation
  mark or a colon: times, dates, counts and titles are the rows' to say, and a sentence that
  quotes or counts may quote or count what is not there.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from agent.queries import QueryArgs

SENTENCE_LIMIT = 120

_NUMBER_WORDS = re.compile(
    r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze"
    r"|seize|vingt|trente|quarante|cinquante|soixante|cent|cents|mille|plusieurs|aucune?"
    r"|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred"
    r"|several|none|no)\b",
    re.IGNORECASE,
)
_FORBIDDEN = re.compile(r"[\d«»\"“”„:]")
_SENTENCE_END = re.compile(r"[.!?…\n]")


def model_sentence(text: str | None) -> str | None:
    """The one sentence of the model's text that may go above the rows, or None."""
    if not text:
        return None
    end = _SENTENCE_END.search(text)
    sentence = " ".join((text[: end.end()] if end else text).split()).strip()
    if not sentence or len(sentence) > SENTENCE_LIMIT:
        return None
    if _FORBIDDEN.search(sentence) or _NUMBER_WORDS.search(sentence):
        return None
    return sentence


class Found(BaseModel):
    """One query and what it found: `rows` as JSON (at most the first `len(rows)` of `total`)."""

    model_config = ConfigDict(frozen=True)

    fn: str
    args: dict[str, Any] = Field(description="the query's arguments, in the owner's zone")
    total: int = Field(description="rows matching in all; `rows` holds the first ones")
    rows: list[dict[str, Any]]
    subject: str | None = Field(
        None, description="what the query names, for the answer's heading (a project's name)"
    )
    # For the renderers: the validated arguments and the rows as the store returned them.
    query: SkipJsonSchema[QueryArgs | None] = Field(None, exclude=True, repr=False)
    records: SkipJsonSchema[Any] = Field(None, exclude=True, repr=False)


class QueryAnswer(BaseModel):
    """The answer to the questions of one message."""

    model_config = ConfigDict(frozen=True)

    question_id: uuid.UUID = Field(
        description="the questions' id in the audit trail (`GET /ai/actions`: their "
        "`proposal_id`, status `answered`)"
    )
    sentence: str | None = Field(
        None, description="the model's own sentence, when one was kept (see the README)"
    )
    results: list[Found]

    @property
    def empty(self) -> bool:
        return all(found.total == 0 for found in self.results)
