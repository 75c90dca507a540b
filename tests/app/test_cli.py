"""`ordinarthur-os digest [--send]`."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.cli import main
from app.digest_cli import digest
from app.settings import Settings
from store import todos
from store.clock import FrozenClock
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram


async def test_digest_prints_todays_digest_as_plain_text(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with sessionmaker.begin() as s:
        await todos.create_todo(
            session=s, data={"title": "Pain & lait", "due_at": clock.now()}, now=clock.now()
        )
    assert await digest(settings, send=False, clock=clock) == 0
    out = capsys.readouterr().out
    assert out.startswith("☀️ Bonjour ! Mercredi 25 novembre 2026")
    assert "• Pain & lait — 10:00" in out and "<b>" not in out


async def test_digest_send_is_claimed_like_the_scheduled_one(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],  # noqa: ARG001 - empty database
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with FakeTelegram.start() as tg:
        configured = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(BOT_TOKEN),
                "telegram_owner_id": OWNER_ID,
                "telegram_api_base": tg.url,
            }
        )
        assert await digest(configured, send=True, clock=clock) == 0
        assert await digest(configured, send=True, clock=clock) == 0
        assert len(tg.calls_to("sendMessage")) == 1
    out = capsys.readouterr().out
    assert "digest sent" in out and "already sent" in out


def test_digest_send_without_a_bot_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["digest", "--send"]) == 2
    assert "needs TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
