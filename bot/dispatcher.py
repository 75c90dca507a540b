"""The bot: a Bot with retrying transport, and a Dispatcher with every feature router."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, MenuButtonWebApp, WebAppInfo

from bot import texts
from bot.middlewares import InFlight, OwnerOnly, ProcessOnce
from bot.routers import (
    agenda,
    commands,
    enrich,
    errors,
    history,
    jobs,
    meds,
    miniapp,
    proposals,
    reminders,
    review,
    settings,
    today,
    todos,
    usage,
)
from bot.storage import PostgresStorage
from bot.transport import KeepResponseModels, RetryTransient


class _Session(AiohttpSession):
    """aiogram's session, whose close waits 250 ms for TLS connections to shut only when there
    are any: a Bot API server reached over plain HTTP (a local one, the tests' fake) has none."""

    async def close(self) -> None:
        if self.api.base.startswith("https://"):
            await super().close()  # api.telegram.org: aiogram's wait, as it is
        elif self._session is not None and not self._session.closed:
            await self._session.close()


def create_bot(token: str, *, api_base: str, retry_delay: float = 0.5) -> Bot:
    """`retry_delay`: the first wait before a transient error is retried (tests shorten it)."""
    session = _Session(api=TelegramAPIServer.from_base(api_base))
    session.middleware(KeepResponseModels())
    session.middleware(RetryTransient(base_delay=retry_delay))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_dispatcher(*, owner_id: int, **workflow_data: Any) -> Dispatcher:
    """`workflow_data` reaches handlers as keyword arguments: sessionmaker, clock, tz, agent,
    schedule_defaults, on_schedule_change, on_snooze, mini_app_url (None: no PUBLIC_URL).
    Without an agent, neither /usage nor proposals."""
    # aiogram would read the FSM state (a query) before any middleware of ours: registered by
    # hand after the owner check and the once-only claim, a stranger's update costs nothing.
    storage = PostgresStorage(workflow_data["sessionmaker"])
    dp = Dispatcher(storage=storage, disable_fsm=True, **workflow_data)
    # Outermost: a stopping service waits for the updates it counts (app/telegram.py).
    in_flight = InFlight()
    dp["in_flight"] = in_flight
    dp.update.outer_middleware(in_flight)
    dp.update.outer_middleware(OwnerOnly(owner_id))
    dp.update.outer_middleware(ProcessOnce(workflow_data["sessionmaker"], workflow_data["clock"]))
    dp.update.outer_middleware(dp.fsm)
    dp.errors.register(errors.on_error)
    features = (
        commands,
        today,
        todos,
        reminders,
        enrich,
        agenda,
        meds,
        jobs,
        history,
        review,
        settings,
        miniapp,
    )
    dp.include_routers(*(m.create_router() for m in features))
    if workflow_data.get("agent") is not None:
        dp.include_router(usage.create_router())
        # Last: every message no command took becomes a proposal.
        dp.include_router(proposals.create_router())
    return dp


async def register_commands(bot: Bot) -> None:
    await bot.set_my_commands(
        [BotCommand(command=name, description=text) for name, text in texts.COMMANDS.items()]
    )


async def set_menu_button(bot: Bot, *, chat_id: int, url: str) -> None:
    """The owner's chat gets a menu button that opens the PWA inside Telegram."""
    button = MenuButtonWebApp(text=texts.APP_BUTTON, web_app=WebAppInfo(url=url))
    await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
