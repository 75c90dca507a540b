"""Medication check-ins: the day's state, the digest's line, a proposed or written toggle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot import texts
from bot.render.dates import day_name, of_day
from bot.render.escape import esc
from store.clock import Clock


def meds_status(day: date, taken: bool, today: date) -> str:
    template = texts.MEDS_TAKEN if taken else texts.MEDS_NOT_TAKEN
    return template.format(of_day=of_day(day, today=today))


def meds_digest_line(taken: bool) -> str:
    return "💊 Médicaments : pris ✅" if taken else "💊 Médicaments : pas encore pris"


def describe_checkin(args: Mapping[str, Any], clock: Clock) -> str:
    """A written check-in (its row: the day and whether meds were taken)."""
    taken = "pris ✅" if args.get("meds_taken") else "pas pris"
    day = date.fromisoformat(str(args["day"]))
    return f"💊 Médicaments ({day_name(day, today=clock.today())}) : {taken}"


def describe_toggle(args: Mapping[str, Any]) -> str:
    """A proposed toggle (its arguments: an optional note)."""
    note = args.get("note")
    return "💊 Cocher les médicaments du jour" + (f" — « {esc(str(note))} »" if note else "")
