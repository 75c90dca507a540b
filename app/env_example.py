"""`.env.example`: every variable `Settings` reads, with its default and what it means.

    python -m app.env_example > .env.example

Generated from `Settings`: a field's description is its line of meaning, its default the value.
A test regenerates the file and compares, so it cannot drift from the code. Every assignment is
commented out, so that a copy used as compose's `.env` changes nothing until a line is
uncommented (a HOST=127.0.0.1 set from it would override the image's 0.0.0.0). Secrets have no
default: their lines are empty, and `NAME=` means unset. A default computed on the machine
(DATA_DIR) has no value here; its description says what it is.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import time
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from app.settings import Settings

HEADER = """\
# ordinarthur-os: every environment variable, its default and what it means.
# Generated from app/settings.py by `python -m app.env_example > .env.example`; do not edit.
# The service reads the environment only. Each line below is commented out: its default holds.
# Uncomment and set what you need in the environment, a k8s Secret, or a .env at the repository
# root (deploy/compose.yaml reads it). NAME= with nothing after the = means unset.
"""


def env_name(name: str, field: FieldInfo) -> str:
    alias = field.validation_alias
    return (alias if isinstance(alias, str) else name).upper()


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple | list):
        return ",".join(_value(v) for v in value)
    return str(value)


def _entry(name: str, field: FieldInfo) -> str:
    if not field.description or "\n" in field.description:
        raise ValueError(f"Settings.{name} needs a one-line description")
    # A default computed where the service runs (default_factory) has no value to show.
    default = "" if field.default is PydanticUndefined else _value(field.default)
    return f"# {field.description}\n#{env_name(name, field)}={default}\n"


def render(fields: Iterable[tuple[str, FieldInfo]] | None = None) -> str:
    entries = fields if fields is not None else Settings.model_fields.items()
    return "\n".join([HEADER, *(_entry(name, field) for name, field in entries)])


if __name__ == "__main__":
    sys.stdout.write(render())
