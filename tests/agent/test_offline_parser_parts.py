"""The offline parser's modules one by one: folding, the lexicon, dates and times, which action a
part asks for, and splitting a message into parts."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from agent.offline_parser import lexicon
from agent.offline_parser.classify import ParsedAction, Projects, parse_part
from agent.offline_parser.parts import split
from agent.offline_parser.text import MASK, Text, alt, clean, fold
from agent.offline_parser.when import resolve_end, resolve_start, take_when
from agent.situation import ProjectRef
from tests.conftest import PARIS

NOW = datetime(2026, 3, 25, 10, 0, tzinfo=PARIS)  # a Wednesday, four days before DST


def test_folding_keeps_one_character_per_character() -> None:
    original = "Réunion à l’École, Noël"
    assert fold(original) == "reunion a l'ecole, noel"
    assert len(fold(original)) == len(original)


def test_a_taken_phrase_is_blanked_and_the_rest_keeps_the_owners_words() -> None:
    text = Text("Appeler Zoé demain")
    match = text.take(re.compile(r"\bdemain\b"))
    assert match is not None and text.source(match) == "demain"
    assert text.folded.endswith(MASK * len("demain"))
    assert clean(text.rest()) == "Appeler Zoé"


def test_dangling_words_and_punctuation_are_trimmed_from_titles() -> None:
    assert clean("  payer le loyer pour ") == "payer le loyer"
    assert clean("- et acheter du pain ,") == "acheter du pain"


def test_alternations_try_longer_words_first() -> None:
    found = re.search(alt(["demain", "apres-demain"]), "apres-demain")
    assert found is not None and found[0] == "apres-demain"


def test_the_lexicon_is_written_folded() -> None:
    tables = (
        lexicon.NUMBER_WORDS,
        lexicon.MONTHS,
        lexicon.WEEKDAYS,
        lexicon.RELATIVE_DAYS,
        lexicon.PARTS_OF_DAY,
        lexicon.STEP_STATUSES,
    )
    words = [word for table in tables for word in table]
    assert [w for w in words if fold(w) != w] == []
    assert set(lexicon.STEP_STATUSES) >= lexicon.WEAK_STATUSES


def test_a_date_and_a_time_resolve_in_the_owners_zone() -> None:
    text = Text("dentiste demain à 15h")
    when = take_when(text, NOW)
    start = resolve_start(when, NOW)
    assert start == datetime(2026, 3, 26, 15, 0, tzinfo=PARIS)
    assert resolve_end(when, start) - start == timedelta(hours=1)
    assert clean(text.rest()) == "dentiste"


def test_a_time_that_has_passed_today_means_tomorrow() -> None:
    when = take_when(Text("à 9h"), NOW)
    assert resolve_start(when, NOW) == datetime(2026, 3, 26, 9, 0, tzinfo=PARIS)


def test_a_wall_time_skipped_by_dst_moves_past_the_gap() -> None:
    when = take_when(Text("dimanche à 2h30"), NOW)
    start = resolve_start(when, NOW)
    assert start is not None and (start.day, start.hour, start.minute) == (29, 3, 30)


def test_projects_are_found_whatever_the_case_and_accents() -> None:
    kitchen = ProjectRef(uuid.UUID(int=1), "Rénovation cuisine")
    text = Text("idée pour la renovation CUISINE : carrelage")
    assert Projects([kitchen]).take(text, right_here=False) == kitchen


def test_each_part_is_one_action() -> None:
    assert parse_part("j'ai pris mes médocs", NOW, Projects([])) == [
        ParsedAction("toggle_daily_checkin", {})
    ]
    assert parse_part("quand est mon rdv ?", NOW, Projects([])) == []


def test_connectors_split_only_before_an_action_cue() -> None:
    assert split("acheter du pain et du lait") == ["acheter du pain et du lait"]
    assert split("ajoute pain et rappelle-moi d'appeler Léa\nidée : blog") == [
        "ajoute pain",
        "rappelle-moi d'appeler Léa",
        "idée : blog",
    ]
