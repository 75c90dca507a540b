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


async def test_the_toggle_sets_the_state_asked_on_the_day_given(
    api: ApiClient, clock: FrozenClock
) -> None:
    toggle = "/health-tab/today/toggle"
    assert (await api.post(toggle, json={"meds_taken": True}))["meds_taken"] is True
    assert (await api.post(toggle, json={"meds_taken": True}))["meds_taken"] is True  # not a flip
    yesterday = await api.post(toggle, json={"day": "2026-11-24", "meds_taken": True})
    assert (yesterday["day"], yesterday["meds_taken"]) == ("2026-11-24", True)
    flipped = await api.post(toggle, json={"day": "2026-11-24", "note": "tard"})
    assert (flipped["meds_taken"], flipped["note"]) == (False, "tard")
    assert (await api.get("/health-tab/today"))["meds_taken"] is True
    # Tomorrow is refused, with the field named; at 00:30 Paris (still the 25th in UTC) the
    # 26th is today.
    error = await api.post(toggle, json={"day": "2026-11-26", "meds_taken": True}, status=422)
    assert error["error"]["details"][0]["loc"] == ["body", "day"]
    clock.set(datetime(2026, 11, 26, 0, 30, tzinfo=PARIS))
    assert (await api.post(toggle, json={"day": "2026-11-26", "meds_taken": True}))["meds_taken"]
    await api.post(toggle, json={"day": "25/11/2026"}, status=422)
    await api.post(toggle, json={"meds_taken": "maybe"}, status=422)


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
