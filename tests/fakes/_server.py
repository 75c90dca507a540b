"""The part every fake shares: an aiohttp app on 127.0.0.1 with a port the OS picks."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self

from aiohttp import web


class FakeServer:
    """Base class; subclasses add their routes in `setup_routes`.

    Use as `async with Fake() as fake:` or `async with Fake.start(**options) as fake:`;
    `fake.url` is the base URL (no trailing slash) to hand to the real client library.
    """

    def __init__(self) -> None:
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.url = ""
        # Set on exit so that long polls and scripted hangs end at once instead of
        # holding the server's shutdown for their full length.
        self.closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.setup_routes(self.app.router)

    @classmethod
    def start(cls, **options: Any) -> Self:
        """Return an unstarted fake; `async with` starts it and stops it."""
        return cls(**options)

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def sleep(self, seconds: float) -> bool:
        """Sleep unless the server is closing; True when the full time elapsed."""
        try:
            await asyncio.wait_for(self.closing.wait(), seconds)
        except TimeoutError:
            return True
        return False


def bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None
