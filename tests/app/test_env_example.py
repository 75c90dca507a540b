"""`.env.example` at the repository root: generated from `Settings`, and kept so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import Field, SecretStr
from pydantic.fields import FieldInfo

from app.env_example import env_name, render
from app.settings import Settings

EXAMPLE = Path(__file__).parents[2] / ".env.example"
ASSIGNMENT = re.compile(r"^#([A-Z][A-Z0-9_]*)=(.*)$")


def assignments() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := ASSIGNMENT.match(line):
            assert match[1] not in found, f"{match[1]} twice"
            found[match[1]] = match[2]
    return found


def test_the_committed_file_is_what_settings_generate() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == render(), (
        "regenerate it: python -m app.env_example > .env.example"
    )


def test_every_variable_is_listed_with_a_one_line_meaning() -> None:
    listed = assignments()
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()

    assert list(listed) == [env_name(n, f) for n, f in Settings.model_fields.items()]
    for name, field in Settings.model_fields.items():
        meaning = lines[
            lines.index(f"#{env_name(name, field)}={listed[env_name(name, field)]}") - 1
        ]
        assert meaning == f"# {field.description}"


def test_no_secret_has_a_value() -> None:
    listed = assignments()
    secrets = [
        env_name(name, field)
        for name, field in Settings.model_fields.items()
        if SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ()))
    ]

    assert {"API_BEARER_TOKEN", "TELEGRAM_BOT_TOKEN", "ICAL_FEED_SECRET"} <= set(secrets)
    assert {name: listed[name] for name in secrets} == dict.fromkeys(secrets, "")


def test_every_line_uncommented_gives_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, field in Settings.model_fields.items():
        monkeypatch.delenv(env_name(name, field), raising=False)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]

    for variable, value in assignments().items():
        monkeypatch.setenv(variable, value)
    uncommented = Settings(_env_file=None)  # type: ignore[call-arg]

    assert uncommented == defaults


def test_a_setting_without_a_description_is_refused() -> None:
    with pytest.raises(ValueError, match="Settings.port needs a one-line description"):
        render([("port", FieldInfo.from_field(3000))])
    with pytest.raises(ValueError, match="one-line"):
        render([("port", Field(3000, description="two\nlines"))])
