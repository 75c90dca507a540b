"""Shared pieces of the request and response models.

Datetimes: input must carry an offset (`Z`, `+01:00`, …); a naive datetime is refused with 422
rather than guessed, because a guess in the wrong zone silently moves a deadline by hours.
Output is always UTC with `Z`. In a query string, write the offset's `+` as `%2B`; a `+` left
raw arrives as a space (form encoding), which is read back as `+`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import TypeAdapter as _TypeAdapter

M = TypeVar("M", bound=BaseModel)

INT32_MAX = 2**31 - 1


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("datetime out of range") from None


_SPACE_OFFSET = re.compile(r" (\d\d(:?\d\d)?)$")


def _restore_plus(value: Any) -> Any:
    if isinstance(value, str):
        return _SPACE_OFFSET.sub(r"+\1", value)
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_utc)]
QueryInstant = Annotated[AwareDatetime, BeforeValidator(_restore_plus), AfterValidator(_utc)]
Int32 = Annotated[int, Field(ge=0, le=INT32_MAX)]
Tag = Annotated[str, Field(min_length=1, max_length=200)]
Title = Annotated[str, Field(min_length=1, max_length=2000)]
Text = Annotated[str, Field(max_length=100_000)]


class In(BaseModel):
    """A request body or query: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response: built from ORM objects or rows."""

    model_config = ConfigDict(from_attributes=True)


@cache
def _list_adapter(model: type[BaseModel]) -> _TypeAdapter[list[Any]]:
    return _TypeAdapter(list[model])  # type: ignore[valid-type]


def many(model: type[M], rows: Iterable[Any]) -> list[M]:
    """Rows to response models in one pydantic call (no per-row Python loop)."""
    return _list_adapter(model).validate_python(rows, from_attributes=True)
