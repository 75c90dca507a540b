"""`POST /auth/verify`: the PWA's onboarding checks the token the owner typed."""

from __future__ import annotations

from web.api import Api
from web.models import Out

api = Api("auth")


class VerifyOut(Out):
    ok: bool


@api.post("/auth/verify")
async def verify() -> VerifyOut:
    """Answers only when the bearer is right (401 otherwise, from the middleware)."""
    return VerifyOut(ok=True)
