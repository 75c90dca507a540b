"""The language model: Mistral through pydantic-ai, pointed at `MISTRAL_BASE_URL`."""

from __future__ import annotations

import functools
import typing
from typing import Any

from mistralai.client.utils import forms, queryparams, serializers, url
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
    _reuse_sdk_serializer_models()
    _reuse_sdk_type_hints()
    provider = MistralProvider(api_key=api_key, base_url=base_url)
    settings = ModelSettings(timeout=timeout, max_retries=0, temperature=0.0)
    return MistralModel(model_name, provider=provider, settings=settings)


def _reuse_sdk_serializer_models() -> None:
    """The mistralai SDK builds a new pydantic model class for every (un)marshalling, about
    18 ms of CPU per chat request, ten times the request itself on a fast network. The class
    only depends on the type it wraps, so build each one once."""
    original = serializers.create_model  # type: ignore[attr-defined]
    if getattr(original, "_ordinarthur_cached", False):
        return
    built: dict[tuple[str, Any], Any] = {}

    def create_model(name: str, **fields: Any) -> Any:
        body = fields.get("body")
        try:
            key = (name, body[0] if isinstance(body, tuple) else body)
            model = built.get(key)
        except TypeError:  # an unhashable type: build it as the SDK does
            return original(name, **fields)
        if model is None:
            model = built[key] = original(name, **fields)
        return model

    create_model._ordinarthur_cached = True  # type: ignore[attr-defined]
    serializers.create_model = create_model  # type: ignore[assignment,attr-defined]


# The hints of a class do not change; `typing.get_type_hints` works them out on every call.
_type_hints = functools.cache(typing.get_type_hints)


def _reuse_sdk_type_hints() -> None:
    """The SDK reads `get_type_hints(type(request))` on every request to find query, path and
    form parameters, evaluating every string annotation of the request model again: about
    1 ms of CPU per chat request. Read each class's hints once."""
    for module in (queryparams, url, forms):
        module.get_type_hints = _type_hints  # type: ignore[attr-defined]
