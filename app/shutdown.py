"""How long a stopping service keeps finishing what it started.

A rollout stops a pod with SIGTERM. From then on the service takes nothing new (aiohttp stops
listening, the bot stops polling) and finishes, for at most `SHUTDOWN_GRACE_SECONDS` counted
from the signal, the HTTP requests and the Telegram updates in flight: a proposal whose model
call is slow or retried still gets its card. The pod's terminationGracePeriodSeconds
(deploy/k8s/app.yaml) leaves room for it and for closing the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiohttp import web


@dataclass
class Shutdown:
    grace: float
    started: float | None = None

    def begin(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    def remaining(self) -> float:
        """Seconds left to finish what is in flight (all of the grace before the signal)."""
        if self.started is None:
            return self.grace
        return max(0.0, self.started + self.grace - time.monotonic())


SHUTDOWN = web.AppKey("shutdown", Shutdown)


async def begin_shutdown(app: web.Application) -> None:
    """`on_shutdown`: the first step of aiohttp's shutdown, right after it stops listening."""
    app[SHUTDOWN].begin()
