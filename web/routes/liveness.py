"""`GET /health`: the process answers (probes, the image's HEALTHCHECK)."""

from __future__ import annotations

from web.api import Api
from web.appkeys import WebConfig
from web.models import Out

api = Api("meta")


class HealthOut(Out):
    ok: bool
    version: str


@api.get("/health", public=True)
async def health(config: WebConfig) -> HealthOut:
    """Liveness: the process answers."""
    return HealthOut(ok=True, version=config.version)
