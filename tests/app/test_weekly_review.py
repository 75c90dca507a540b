"""The weekly review goes out on Sunday at 18:00 (or when the owner says), in the owner's zone,
once per week; `ordinarthur-os review [--send]` prints it or sends it under the same claim."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.cli import main
from app.review_cli import review
from app.settings import Settings
from store import todos
from store.clock import FrozenClock
from tests.app.conftest import SchedulerFactory, at, delivered
from tests.conftest import PARIS, until
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram


def reviews(tg: FakeTelegram) -> list[str]:
    return delivered(tg, "Bilan de la semaine")


@pytest.mark.parametrize(
    ("sunday", "utc_hour"),
    [
        ((2026, 3, 29), 16),  # the day clocks go forward: 18:00 Paris is 16:00 UTC
        ((2026, 10, 25), 17),  # the day they go back: 18:00 Paris is 17:00 UTC
        ((2026, 11, 29), 17),
    ],
)
async def test_the_review_goes_out_on_sunday_at_1800_paris_once(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sunday: tuple[int, int, int],
    utc_hour: int,
) -> None:
    clock = FrozenClock(PARIS, at(*sunday, 12, 0))
    scheduler = schedulers(clock)
    await scheduler.start()
    await until(lambda: scheduler.is_leader)
    assert scheduler._aps is not None
    trigger = scheduler._aps.get_job("weekly-review").trigger
    fire = trigger.get_next_fire_time(None, clock.now())  # APScheduler's own clock is real time
    assert fire is not None and fire.astimezone(PARIS) == at(*sunday, 18, 0)
    assert (fire - fire.utcoffset()).hour == utc_hour  # type: ignore[operator]
    await scheduler.stop()  # from here the test moves the clock and ticks by hand
    clock.set(at(*sunday, 17, 59))
    assert await scheduler.tick() == []
    clock.set(at(*sunday, 18, 0))
    assert await scheduler.tick() == ["weekly review"]
    for minutes in (1, 60, 179):
        clock.set(at(*sunday, 18, 0) + timedelta(minutes=minutes))
        assert await scheduler.tick() == []
    assert len(reviews(tg)) == 1


@pytest.mark.parametrize(("start_at", "expected"), [((20, 59), 1), ((21, 1), 0)])
async def test_a_late_start_catches_up_the_review_within_three_hours(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    start_at: tuple[int, int],
    expected: int,
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 29, *start_at))
    for _ in range(2):  # restarting twice still sends once
        scheduler = schedulers(clock)
        await scheduler.start()
        await until(lambda s=scheduler: s.is_leader)  # type: ignore[misc]
        await scheduler.stop()
    assert len(reviews(tg)) == expected


async def test_review_prints_it_and_send_is_claimed_like_the_scheduled_one(
    settings: Settings,
    schedulers: SchedulerFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
    tg: FakeTelegram,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 27, 12, 0))  # a Friday
    async with sessionmaker.begin() as s:
        await todos.create_todo(
            session=s, data={"title": "Pain & lait", "status": "done"}, now=clock.now()
        )
    assert await review(settings, send=False, clock=clock) == 0
    out = capsys.readouterr().out
    assert out.startswith("🗓 Bilan de la semaine du 23 novembre au 29 novembre")
    assert "• Pain & lait" in out and "<b>" not in out

    configured = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": tg.url,
        }
    )
    assert await review(configured, send=True, clock=clock) == 0
    assert await review(configured, send=True, clock=clock) == 0
    out = capsys.readouterr().out
    assert "weekly review sent" in out and "already sent" in out
    scheduler = schedulers(clock)
    clock.set(datetime(2026, 11, 29, 18, 0, tzinfo=PARIS))  # Sunday: this week's is out
    assert await scheduler.tick() == []
    assert len(reviews(tg)) == 1


def test_review_send_without_a_bot_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["review", "--send"]) == 2
    assert "needs TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
