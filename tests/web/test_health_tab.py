from __future__ import annotations

from datetime import datetime, timedelta

from store.clock import FrozenClock
from tests.conftest import PARIS
from tests.web.conftest import ApiClient


async def test_today_toggles_in_the_owners_time_zone(api: ApiClient, clock: FrozenClock) -> None:
    empty = {"day": "2026-11-25", "meds_taken": False, "note": None, "skipped": False}
    assert await api.get("/health-tab/today") == empty
    taken = await api.post("/health-tab/today/toggle", json={"note": "ok"})
    assert (taken["meds_taken"], taken["note"]) == (True, "ok")
    assert (await api.post("/health-tab/today/toggle"))["meds_taken"] is False
    # 00:30 in Paris is still the 25th in UTC: "today" is Paris's.
    clock.set(datetime(2026, 11, 26, 0, 30, tzinfo=PARIS))
    assert (await api.get("/health-tab/today"))["day"] == "2026-11-26"


async def test_history_has_one_entry_per_day(api: ApiClient, clock: FrozenClock) -> None:
    await api.post("/health-tab/today/toggle")
    clock.advance(timedelta(days=2))
    days = await api.get("/health-tab/history", params={"days": "3"})
    assert [(d["day"], d["meds_taken"]) for d in days] == [
        ("2026-11-25", True),
        ("2026-11-26", False),
        ("2026-11-27", False),
    ]
    assert len(await api.get("/health-tab/history")) == 30
    await api.get("/health-tab/history", params={"days": "0"}, status=422)
    await api.post("/health-tab/today/toggle", json={"mood": "good"}, status=422)


async def test_auth_verify(api: ApiClient) -> None:
    assert await api.post("/auth/verify") == {"ok": True}
