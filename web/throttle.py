"""Wrong bearer tokens are counted per client address: past `LIMIT` in `WINDOW`, that address
gets 429 (with Retry-After) on every private route until its window ends, before its token is
even compared, so guessing runs at `LIMIT` tries per window at most.

- Only a wrong `Authorization` header counts; none at all is not a guess.
- The address is the TCP peer's. `X-Forwarded-For` is read only when the peer is one of
  `TRUSTED_PROXIES` (Traefik), and then the client is its rightmost address that is not a
  trusted proxy: what a client writes in that header itself is never taken for its address.
- An IPv6 client is counted by its /64: one host gets a whole /64 and could rotate within it.
- At most `MAX_CLIENTS` addresses are remembered (a few hundred KB): ended windows go first,
  then the oldest.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from aiohttp import web

log = logging.getLogger(__name__)

LIMIT = 10
WINDOW = timedelta(minutes=10)
MAX_CLIENTS = 10_000

Network = IPv4Network | IPv6Network


@dataclass
class _Window:
    started: datetime
    failures: int = 0


@dataclass
class BearerThrottle:
    limit: int = LIMIT
    window: timedelta = WINDOW
    max_clients: int = MAX_CLIENTS
    _windows: OrderedDict[str, _Window] = field(default_factory=OrderedDict)

    def retry_after(self, client: str, now: datetime) -> int | None:
        """Seconds `client` must wait, or None when it may try."""
        current = self._current(client, now)
        if current is None or current.failures < self.limit:
            return None
        left = (current.started + self.window - now).total_seconds()
        return max(1, math.ceil(left))

    def failed(self, client: str, now: datetime) -> None:
        current = self._current(client, now)
        if current is None:
            self._make_room(now)
            current = self._windows[client] = _Window(started=now)
        current.failures += 1
        if current.failures == self.limit:
            log.warning(
                "%d wrong bearer tokens from %s: refused for %s", self.limit, client, self.window
            )

    def succeeded(self, client: str) -> None:
        if self._windows:
            self._windows.pop(client, None)

    def __len__(self) -> int:
        return len(self._windows)

    def _current(self, client: str, now: datetime) -> _Window | None:
        window = self._windows.get(client)
        if window is not None and now - window.started >= self.window:
            del self._windows[client]
            return None
        return window

    def _make_room(self, now: datetime) -> None:
        # Windows are kept in the order they started: the ended ones are at the front.
        while self._windows:
            oldest = next(iter(self._windows.values()))
            if now - oldest.started < self.window and len(self._windows) < self.max_clients:
                return
            self._windows.popitem(last=False)


THROTTLE = web.AppKey("bearer_throttle", BearerThrottle)


def _parse(value: str) -> IPv4Address | IPv6Address | None:
    try:
        address = ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _key(address: IPv4Address | IPv6Address) -> str:
    if isinstance(address, IPv6Address):
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


def _trusted(address: IPv4Address | IPv6Address, trusted: Sequence[Network]) -> bool:
    return any(address in network for network in trusted)


def client_address(request: web.Request, trusted: Sequence[Network]) -> str:
    """Who is asking, as far as the service can tell without believing the client."""
    peer = _parse(request.remote or "")
    if peer is None:  # not over TCP/IP (a unix socket): one bucket for all
        return (request.remote or "unknown")[:64]
    client = peer
    if _trusted(peer, trusted):
        hops = [h for v in request.headers.getall("X-Forwarded-For", ()) for h in v.split(",")]
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:  # no proxy of ours wrote that: believe nothing left of it
                break
            client = address
            if not _trusted(address, trusted):
                break
    return _key(client)
