"""The offline parser on hostile text: it reads a bounded prefix, and every pattern runs in time
linear in it, so no message stalls the process (the regex engine holds the GIL while it runs).

Times are this thread's CPU seconds, the best of three runs (`bench.offline_parser`): other
processes on a busy machine do not count, a collection of garbage lands in one run only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from agent.offline_parser import MAX_PARSED_CHARS, parse
from bench.offline_parser import (
    NOW,
    hostile_shapes,
    parse_seconds,
    pattern_seconds,
    patterns,
)

SHAPES = hostile_shapes()

# A linear parse of 20,000 characters takes a few milliseconds here; the audit's message took
# 17.8 s before. The bounds leave a slow machine two orders of magnitude.
PARSE_BOUND = 0.2
PATTERN_BOUND = 0.05


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_hostile_message_parses_in_a_fraction_of_a_second(shape: str) -> None:
    message = SHAPES[shape]
    assert len(message) >= 19_900

    assert parse_seconds(message) < PARSE_BOUND


_PATTERNS = [(name, run) for name, _, run in patterns()]


@pytest.mark.parametrize("name, run", _PATTERNS, ids=[name for name, _ in _PATTERNS])
def test_every_pattern_runs_in_linear_time_on_runs_that_made_them_backtrack(
    name: str, run: Callable[[str], object]
) -> None:
    seconds, shape = pattern_seconds(run)

    assert seconds < PATTERN_BOUND, f"{name} took {seconds:.3f} s on {shape}"


def test_the_parser_reads_the_first_4096_characters_cut_between_words() -> None:
    beyond = "ajoute acheter du lait"
    filler = " ".join(["blabla"] * (MAX_PARSED_CHARS // 7))
    message = f"ajoute acheter du pain\n{filler}\n{beyond}"
    assert MAX_PARSED_CHARS == 4096 and len(message) > MAX_PARSED_CHARS + len(beyond)

    titles = [action.args["title"] for action in parse(message, now=NOW)]

    assert titles == ["Acheter du pain"]


def test_a_long_run_of_one_punctuation_mark_is_read_as_three() -> None:
    [action] = parse("ajoute écrire Youpi!!!!!!!!!!!!!!!!!!!!!!!! à Paul demain", now=NOW)

    assert action.args["title"] == "Écrire Youpi!!! à Paul"


def test_the_audits_message_proposes_the_event_at_the_mairie() -> None:
    [action] = parse("rdv demain à 9h à la mairie" + "!" * 19_900 + "x", now=NOW)

    assert action.fn == "create_calendar_event"
    assert action.args["starts_at"] == "2026-11-26T09:00:00+01:00"


async def test_health_answers_while_the_parser_reads_a_hostile_command(
    client: TestClient[web.Request, web.Application], auth: dict[str, str]
) -> None:
    """Through the real app: no MISTRAL_API_KEY, the offline parser answers /ai/command."""
    command = asyncio.create_task(
        client.post(
            "/ai/command", json={"text": SHAPES["the audit's (rdv … mairie + !…)"]}, headers=auth
        )
    )
    waits: list[float] = []
    while not command.done():
        started = time.perf_counter()
        health = await client.get("/health")
        waits.append(time.perf_counter() - started)
        assert health.status == 200
        await asyncio.sleep(0.01)
    response = await asyncio.wait_for(command, 10)

    assert response.status == 200, await response.text()
    [action] = (await response.json())["actions"]
    assert action["fn"] == "create_calendar_event"
    # Before, /health waited 8.3 s for the parser; now the whole command is that fast.
    assert max(waits, default=0) < 1.0
