# A bench reports on stdout.
# ruff: noqa: T201
"""Soak of the Google sync: 200 random operations on both sides, syncs in between.

    .venv/bin/python -m bench.google_soak [--seed N] [--operations N]

The real app (routes, gcsa/googleapiclient, the embedded PostgreSQL) against the fake Google,
whose clock runs 7 minutes ahead of ours. Operations, drawn with a seeded RNG, on each side:
create an event, edit its title, place or description, move it, delete it; on series, Google
moves or cancels one occurrence, here one occurrence is deleted. A sync follows every 1 to 6
operations. A model applies the sync's rules to what each side did (a field changed on one side
takes that side; changed on both, the later change, each side's change being the time of its
last change to that event; deleted here: gone; deleted there: gone unless changed here, then
restored with our version; a cancelled occurrence is cancelled on both sides). After every sync
the app's agenda, Google's calendar and the model must be equal: the same events, no
duplicate, no lost edit, each series with the same occurrences. Prints the figures; exits 1 on
any difference.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from pydantic import SecretStr

from app.google import GOOGLE_BACKOFF
from app.main import create_app
from app.settings import Settings
from bench._common import BEARER, PARIS, database, serve
from integrations.google.remote import Backoff
from store.clock import FrozenClock
from tests.fakes.google import CLIENT_ID, CLIENT_SECRET, FakeGoogle, instance_id

SKEW = timedelta(minutes=7)  # Google's clock, ahead of ours
START = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
WINDOW = (datetime(2026, 11, 30, tzinfo=PARIS), datetime(2027, 1, 4, tzinfo=PARIS))
FIELDS = ("title", "location", "description", "when")
SEP = " · "


def key_of(title: str) -> str:
    return title.split(SEP)[0]


@dataclass
class Event:
    """One event as a side holds it (series: its rule, its cancelled and moved occurrences)."""

    title: str
    location: str | None
    description: str | None
    when: tuple[datetime, datetime]
    rule: str | None = None
    cancelled: set[datetime] = field(default_factory=set)
    moved: dict[datetime, tuple[datetime, str]] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        return getattr(self, name)

    def copy(self) -> Event:
        return Event(
            self.title,
            self.location,
            self.description,
            self.when,
            self.rule,
            set(self.cancelled),
            dict(self.moved),
        )


@dataclass
class Model:
    """What each side holds since the last sync, and what both agreed on then."""

    base: dict[str, Event] = field(default_factory=dict)
    here: dict[str, Event] = field(default_factory=dict)
    there: dict[str, Event] = field(default_factory=dict)
    changed_here: dict[str, datetime] = field(default_factory=dict)
    changed_there: dict[str, datetime] = field(default_factory=dict)
    # Occurrences of each series Google moved or cancelled since the last sync.
    touched_there: dict[str, set[datetime]] = field(default_factory=dict)
    restored: int = 0
    conflicts: int = 0

    def synced(self) -> None:
        agreed: dict[str, Event] = {}
        for key in set(self.base) | set(self.here) | set(self.there):
            result = self._agree(key)
            if result is not None:
                agreed[key] = result
        self.base = agreed
        self.here = {k: e.copy() for k, e in agreed.items()}
        self.there = {k: e.copy() for k, e in agreed.items()}
        self.changed_here.clear()
        self.changed_there.clear()
        self.touched_there.clear()

    def _agree(self, key: str) -> Event | None:
        base, mine, theirs = self.base.get(key), self.here.get(key), self.there.get(key)
        if base is None:
            return mine or theirs  # made on one side since
        if mine is None:
            return None  # deleted here: deleted there too
        if theirs is None:
            if key not in self.changed_here:
                return None
            self.restored += 1
            # Restored as we have it: the occurrences Google had touched before deleting the
            # series come back as ours, rows of their own (exceptions in Google).
            restored = mine.copy()
            for original in self.touched_there.get(key, set()):
                if original not in restored.cancelled and original not in restored.moved:
                    restored.moved[original] = (original, restored.title)
            return restored
        result = base.copy()
        later_here = self.changed_here.get(key, START) > self.changed_there.get(key, START)
        for name in FIELDS:
            ours, other, former = mine.value(name), theirs.value(name), base.value(name)
            if ours != former and other != former and ours != other:
                self.conflicts += 1
                setattr(result, name, ours if later_here else other)
            elif ours != former:
                setattr(result, name, ours)
            else:
                setattr(result, name, other)
        result.cancelled = mine.cancelled | theirs.cancelled
        result.moved = {o: m for o, m in theirs.moved.items() if o not in result.cancelled}
        return result


class Soak:
    def __init__(
        self,
        rng: random.Random,
        api: aiohttp.ClientSession,
        base_url: str,
        google: FakeGoogle,
        clock: FrozenClock,
    ) -> None:
        self.rng, self.api, self.url, self.google, self.clock = rng, api, base_url, google, clock
        self.model = Model()
        self.cal = ""
        self.serial = 0
        self.ops: Counter[str] = Counter()
        self.syncs = 0
        self.reported: Counter[str] = Counter()
        self.journal: list[str] = []  # what happened, printed when a check fails

    # ------------------------------------------------------------ the app's API

    async def call(self, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {BEARER}"}
        async with self.api.request(method, self.url + path, headers=headers, **kw) as r:
            body = await r.json() if r.content_type == "application/json" else await r.text()
            if r.status >= 400:
                raise RuntimeError(f"{method} {path}: {r.status} {body}")
            return body

    async def connect(self) -> None:
        consent = await self.call("GET", "/agenda/google/oauth/start")
        query = {k: v[0] for k, v in parse_qs(urlsplit(consent["url"]).query).items()}
        params = {"state": query["state"], "code": "4/soak"}
        async with self.api.get(self.url + "/agenda/google/oauth/callback", params=params) as r:
            assert r.status == 200, await r.text()
        [cal] = [
            c for c in self.google._calendars.values() if c.resource["summary"] == "ordinarthur-os"
        ]
        self.cal = cal.resource["id"]

    async def sync(self) -> None:
        report = await self.call("POST", "/agenda/google/sync")
        self.syncs += 1
        self.journal.append(f"sync {self.syncs}: {report}")
        for name in ("pushed", "pulled", "deleted"):
            self.reported[name] += report[name]
        self.reported["errors"] += len(report["errors"])
        self.reported["restored"] += len(report["restored"])
        self.model.synced()
        await self.check()

    async def local_rows(self) -> dict[str, dict[str, Any]]:
        rows = await self.call("GET", "/agenda/events")
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["original_start"] is None:
                found[key_of(row["title"])] = row
        return found

    def remote_events(self) -> dict[str, dict[str, Any]]:
        return {
            key_of(e["summary"]): e
            for e in self.google.events(self.cal)
            if "recurringEventId" not in e
        }

    # ------------------------------------------------------------ operations

    def tick(self) -> datetime:
        self.clock.advance(timedelta(minutes=1))
        return self.clock.now()

    def new_event(self, side: str) -> Event:
        self.serial += 1
        day = WINDOW[0] + timedelta(days=self.rng.randrange(28), hours=self.rng.randrange(8, 19))
        series = self.rng.random() < 0.3
        return Event(
            title=f"E{self.serial}{SEP}{side}0",
            location=self.rng.choice([None, "Paris", "Lyon"]),
            description=self.rng.choice([None, "Notes"]),
            when=(day, day + timedelta(hours=1)),
            rule="FREQ=WEEKLY" if series else None,
        )

    async def operate(self) -> None:
        here = self.rng.random() < 0.5
        side = "here" if here else "there"
        state = self.model.here if here else self.model.there
        keys = sorted(state)
        kind = self.rng.choices(
            ["create", "edit", "move", "delete", "occurrence"], weights=[2, 5, 2, 1, 4]
        )[0]
        if kind == "create" or not keys:
            kind = "create"
        now = self.tick()
        key = self.rng.choice(keys) if keys else ""
        event = state.get(key)
        if kind == "occurrence" and (event is None or event.rule is None):
            kind = "edit"
        if kind == "move" and event is not None and event.rule is not None:
            kind = "edit"  # a whole series is not moved here: its moved occurrences would go
        self.ops[f"{kind} {side}"] += 1
        self.journal.append(f"{now:%H:%M} {kind} {side} {key} {event}")
        if kind == "create":
            event = self.new_event(side)
            key = key_of(event.title)
            await (self.create_here(event) if here else self.create_there(event))
            state[key] = event
            (self.model.changed_here if here else self.model.changed_there)[key] = now
            return
        assert event is not None
        changed = self.model.changed_here if here else self.model.changed_there
        if kind == "delete":
            await (self.delete_here(key) if here else self.delete_there(key))
            del state[key]
            changed[key] = now
            return
        if kind == "occurrence":
            done = await self.occurrence(here, key, event)
            if here and done:  # deleting one occurrence changes the series' row; moving one there,
                changed[key] = now  # an exception, leaves the master alone
            return
        changes: dict[str, Any] = {}
        if kind == "move":
            shift = timedelta(hours=self.rng.choice([-2, -1, 1, 2, 24]))
            changes["when"] = (event.when[0] + shift, event.when[1] + shift)
        else:
            name = self.rng.choice(["title", "location", "description"])
            value = {
                "title": f"{key}{SEP}{side}{self.serial}x{self.rng.randrange(1000)}",
                "location": self.rng.choice([None, "Nantes", "Lille", "Rennes"]),
                "description": self.rng.choice([None, "Ordre du jour", "À relire"]),
            }[name]
            changes[name] = value
        await (self.edit_here(key, changes) if here else self.edit_there(key, changes))
        for name, value in changes.items():
            setattr(event, name, value)
        changed[key] = now

    async def create_here(self, event: Event) -> None:
        body = {
            "title": event.title,
            "location": event.location,
            "description": event.description,
            "starts_at": event.when[0].isoformat(),
            "ends_at": event.when[1].isoformat(),
            "recurrence": event.rule,
        }
        await self.call("POST", "/agenda/events", json=body)

    async def create_there(self, event: Event) -> None:
        fields: dict[str, Any] = {
            "summary": event.title,
            "start": at(event.when[0]),
            "end": at(event.when[1]),
        }
        if event.location:
            fields["location"] = event.location
        if event.description:
            fields["description"] = event.description
        if event.rule:
            fields["recurrence"] = [f"RRULE:{event.rule}"]
        self.google.add_event(self.cal, **fields)

    async def edit_here(self, key: str, changes: dict[str, Any]) -> None:
        row = (await self.local_rows())[key]
        body = {name: value for name, value in changes.items() if name != "when"}
        if "when" in changes:
            body |= {
                "starts_at": changes["when"][0].isoformat(),
                "ends_at": changes["when"][1].isoformat(),
            }
        await self.call("PATCH", f"/agenda/events/{row['id']}", json=body)

    async def edit_there(self, key: str, changes: dict[str, Any]) -> None:
        event = self.remote_events()[key]
        body: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "when":
                body |= {"start": at(value[0]), "end": at(value[1])}
            else:
                body[{"title": "summary"}.get(name, name)] = value
        self.google.update_event(self.cal, event["id"], **body)

    async def delete_here(self, key: str) -> None:
        row = (await self.local_rows())[key]
        await self.call("DELETE", f"/agenda/events/{row['id']}")

    async def delete_there(self, key: str) -> None:
        self.google.delete_event(self.cal, self.remote_events()[key]["id"])

    async def occurrence(self, here: bool, key: str, event: Event) -> bool:
        """Here: delete one occurrence. There: move it by an hour, or cancel it. False when
        the occurrence drawn was cancelled already (nothing done)."""
        week = self.rng.randrange(1, 4)
        original = event.when[0] + timedelta(weeks=week)
        if original in event.cancelled:
            return False
        if here:
            event.cancelled.add(original)
            event.moved.pop(original, None)
            listed = await self.call(
                "GET",
                "/agenda/events",
                params={"from": WINDOW[0].isoformat(), "to": WINDOW[1].isoformat()},
            )
            row = (await self.local_rows())[key]
            override = [
                r
                for r in listed
                if r["original_start"] is not None
                and datetime.fromisoformat(r["original_start"]) == original
                and r["recurring_event_id"] == row["id"]
            ]
            if override:
                await self.call("DELETE", f"/agenda/events/{override[0]['id']}")
            else:
                params = {"occurrence": original.isoformat()}
                await self.call("DELETE", f"/agenda/events/{row['id']}", params=params)
            return True
        master = self.remote_events()[key]
        instance = instance_id(master["id"], original)
        self.model.touched_there.setdefault(key, set()).add(original)
        if self.rng.random() < 0.5:
            event.cancelled.add(original)
            event.moved.pop(original, None)
            self.google.delete_event(self.cal, instance)
            return True
        moved = (event.moved.get(original, (original, ""))[0]) + timedelta(hours=1)
        current = self.google.event(self.cal, instance)
        title = current["summary"] if current else event.title
        self.google.update_event(
            self.cal, instance, start=at(moved), end=at(moved + timedelta(hours=1))
        )
        event.moved[original] = (moved, title)
        return True

    # ------------------------------------------------------------ the check

    async def check(self) -> None:
        expected = self.model.base
        rows = await self.local_rows()
        remote = self.remote_events()
        problems = []
        everything = await self.call("GET", "/agenda/events")
        here_keys = Counter(key_of(r["title"]) for r in everything if r["original_start"] is None)
        there_keys = Counter(
            key_of(e["summary"])
            for e in self.google.events(self.cal)
            if "recurringEventId" not in e
        )
        for side, counts in (("here", here_keys), ("there", there_keys)):
            problems += [f"duplicate {k} {side}" for k, n in counts.items() if n > 1]
        if set(rows) != set(expected) or set(remote) != set(expected):
            problems.append(
                f"events: model {sorted(expected)} here {sorted(rows)} there {sorted(remote)}"
            )
        for key in set(rows) & set(remote) & set(expected):
            want = expected[key]
            got_here = (
                rows[key]["title"],
                rows[key]["location"],
                rows[key]["description"],
                (instant(rows[key]["starts_at"]), instant(rows[key]["ends_at"])),
            )
            there = remote[key]
            got_there = (
                there["summary"],
                there.get("location"),
                there.get("description"),
                (instant(there["start"]["dateTime"]), instant(there["end"]["dateTime"])),
            )
            wanted = (want.title, want.location, want.description, want.when)
            if got_here != wanted or got_there != wanted:
                problems.append(f"{key}: model {wanted}\n  here  {got_here}\n  there {got_there}")
            if want.rule is not None:
                problems += await self.check_series(key, want, rows[key], there)
        if problems:
            print("\n".join(self.journal[-40:]))
            print(f"after sync {self.syncs}:")
            print("\n".join(problems))
            raise SystemExit(1)

    async def check_series(
        self, key: str, want: Event, row: dict[str, Any], master: dict[str, Any]
    ) -> list[str]:
        start, end = WINDOW
        occurrences = []
        moment = want.when[0]
        while moment < end:
            if moment >= start and moment not in want.cancelled:
                moved, title = want.moved.get(moment, (moment, want.title))
                occurrences.append((moved, title))
            moment += timedelta(weeks=1)
        wanted = sorted(occurrences)
        params = {"from": start.isoformat(), "to": end.isoformat()}
        listed = await self.call("GET", "/agenda/events", params=params)
        mine = [r for r in listed if r["id"] == row["id"] or r["recurring_event_id"] == row["id"]]
        here = sorted((instant(r["starts_at"]), r["title"]) for r in mine)
        there = sorted(
            (instant(i["start"]["dateTime"]), i["summary"])
            for i in self.google.instances(self.cal, master["id"])
            if start <= instant(i["start"]["dateTime"]) < end
        )
        if here != wanted or there != wanted:
            return [f"{key} occurrences ({want}): model {wanted}\n  here  {here}\n  there {there}"]
        return []


def at(moment: datetime) -> dict[str, str]:
    return {"dateTime": moment.isoformat(), "timeZone": "Europe/Paris"}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(PARIS)


async def soak(url: str, tmp: Path, seed: int, operations: int) -> None:
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    rng = random.Random(seed)
    clock = FrozenClock(PARIS, START)
    async with FakeGoogle.start(now=lambda: clock.now() + SKEW) as google:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            data_dir=tmp / "data",
            app_env="test",
            api_bearer_token=SecretStr(BEARER),
            ical_feed_secret=SecretStr("bench-ical-secret-0123456789"),
            google_oauth_client_id=CLIENT_ID,
            google_oauth_client_secret=SecretStr(CLIENT_SECRET),
            google_oauth_redirect_uri="https://os.example.org/agenda/google/oauth/callback",
            google_api_base=google.url,
        )
        app = create_app(settings, clock=clock, run_migrations=False)
        app[GOOGLE_BACKOFF] = Backoff(sleep=lambda _: None)
        async with serve(app) as base_url, aiohttp.ClientSession() as api:
            run = Soak(rng, api, base_url, google, clock)
            await run.connect()
            started = time.perf_counter()
            done = 0
            while done < operations:
                for _ in range(min(rng.randint(1, 6), operations - done)):
                    await run.operate()
                    done += 1
                await run.sync()
            await run.sync()  # settled: nothing left to send either way
            elapsed = time.perf_counter() - started
    print(f"seed {seed}: {operations} operations, {run.syncs} syncs, {elapsed:.1f} s")
    print("  operations: " + ", ".join(f"{k} {n}" for k, n in sorted(run.ops.items())))
    print("  syncs reported: " + ", ".join(f"{k} {n}" for k, n in sorted(run.reported.items())))
    print(
        f"  model: {len(run.model.base)} events at the end, {run.model.conflicts} fields "
        f"changed on both sides, {run.model.restored} restored"
    )
    print(f"  Google: {len(google.requests)} API requests")
    print("  after every sync: both sides equal to the model, no duplicate, no lost edit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--operations", type=int, default=200)
    args = parser.parse_args()
    with database() as (url, tmp):
        asyncio.run(soak(url, tmp, args.seed, args.operations))
    sys.exit(0)


if __name__ == "__main__":
    main()
