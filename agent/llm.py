"""The language model: Mistral through pydantic-ai, pointed at `MISTRAL_BASE_URL`."""

from __future__ import annotations

from pydantic_ai.models.mistral import MistralModel
from pydantic_ai.providers.mistral import MistralProvider
from pydantic_ai.settings import ModelSettings


def mistral_model(
    *, api_key: str, model_name: str, base_url: str, timeout: float = 15.0
) -> MistralModel:
    """A Mistral model whose every request gives up after `timeout` seconds.

    The SDK does not retry (`max_retries=0`): `AgentService` retries timeouts, 429 and 5xx with
    backoff, and then lets the offline parser answer.
    """
    provider = MistralProvider(api_key=api_key, base_url=base_url)
    settings = ModelSettings(timeout=timeout, max_retries=0, temperature=0.0)
    return MistralModel(model_name, provider=provider, settings=settings)
