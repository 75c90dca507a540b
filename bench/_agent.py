"""What the agent benches share: a throwaway, migrated embedded PostgreSQL and a frozen clock."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import migrations
from store.clock import FrozenClock
from store.embedded import EmbeddedPostgres

PARIS = ZoneInfo("Europe/Paris")


@contextmanager
def database() -> Iterator[str]:
    """A migrated embedded PostgreSQL, deleted afterwards; yields its URL. Call outside a loop
    (migrations run their own)."""
    with tempfile.TemporaryDirectory(prefix="ordinarthur-bench-agent-") as tmp:
        pg = EmbeddedPostgres(Path(tmp), delete_on_stop=True)
        url = pg.start()
        try:
            migrations.upgrade(url)
            yield url
        finally:
            pg.stop()


def clock() -> FrozenClock:
    return FrozenClock(PARIS, datetime(2026, 11, 25, 10, 0, tzinfo=PARIS))
