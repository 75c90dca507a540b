"""Wiring of the agent: the model (Mistral, or the offline parser), speech-to-text, the usage
meter and its monthly cap, the service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

from aiohttp import web

from agent.model_run import RetryPolicy
from agent.service import AgentService
from agent.usage import UsageMeter
from app.settings import Settings
from integrations.groq import GroqSpeechToText
from web.appkeys import AGENT, CLOCK, SESSIONMAKER

log = logging.getLogger(__name__)

# Set before start to change timeouts and retries of the model (tests use short ones).
AGENT_POLICY = web.AppKey("agent_policy", RetryPolicy)
# Sends a text to the owner on Telegram (its message id); set by app/telegram.py when the bot
# runs. The agent starts before the bot, so it is looked up when there is something to say.
OwnerNotice = Callable[[str], Awaitable[int | None]]
OWNER_NOTICE: web.AppKey[OwnerNotice] = web.AppKey("owner_notice")


def usage_meter(app: web.Application, settings: Settings) -> UsageMeter:
    async def tell_owner(text: str) -> int | None:
        send = app.get(OWNER_NOTICE)
        return None if send is None else await send(text)

    return UsageMeter(
        sessionmaker=app[SESSIONMAKER],
        clock=app[CLOCK],
        usd_eur_rate=settings.ai_usd_eur_rate,
        default_budget_eur=settings.ai_monthly_budget_eur,
        notify=tell_owner,
    )


async def agent_ctx(app: web.Application, settings: Settings) -> AsyncIterator[None]:
    """`AgentService` under `web.appkeys.AGENT` for the life of the application."""
    policy = app.get(AGENT_POLICY) or RetryPolicy()
    async with AsyncExitStack() as stack:
        model = None
        if settings.mistral_api_key is not None:
            from integrations.mistral import (
                mistral_model,  # the Mistral SDK only when there is a key
            )

            model = mistral_model(
                api_key=settings.mistral_api_key.get_secret_value(),
                model_name=settings.mistral_model,
                base_url=settings.mistral_base_url,
                timeout=policy.timeout,
            )
            await stack.enter_async_context(model)
        stt = None
        if settings.groq_api_key is not None:
            stt = GroqSpeechToText(
                api_key=settings.groq_api_key.get_secret_value(),
                base_url=settings.groq_base_url,
                model=settings.groq_stt_model,
            )
            stack.push_async_callback(stt.aclose)
        app[AGENT] = AgentService(
            sessionmaker=app[SESSIONMAKER],
            clock=app[CLOCK],
            model=model,
            stt=stt,
            retry=policy,
            usage=usage_meter(app, settings),
        )
        yield
