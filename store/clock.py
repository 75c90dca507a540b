"""One source of "now" and "today", in the owner's time zone, that tests can set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        """Aware, in the owner's time zone."""
        return datetime.now(UTC).astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()


class FrozenClock(Clock):
    """A clock that stands still until moved; for tests and benchmarks."""

    def __init__(self, tz: ZoneInfo, at: datetime) -> None:
        super().__init__(tz)
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at

    def advance(self, delta: timedelta) -> None:
        self._at = self._at + delta

    def now(self) -> datetime:
        return self._at.astimezone(self.tz)
