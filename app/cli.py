"""The `ordinarthur-os` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from aiohttp import web

import migrations
from app import backup
from app.main import create_app
from app.settings import Settings, SettingsError, load_settings
from store.embedded import EmbeddedPostgres

log = logging.getLogger("ordinarthur_os")


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # aiohttp.access logs every request; the service's own lines matter more.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def cmd_run(settings: Settings) -> int:
    app = create_app(settings)
    log.info("ordinarthur-os listening on http://%s:%s", settings.host, settings.port)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        shutdown_timeout=10,
        access_log=None,
    )
    log.info("ordinarthur-os stopped")
    return 0


def cmd_migrate(settings: Settings) -> int:
    embedded = None
    url = settings.database_url
    if url is None:
        embedded = EmbeddedPostgres(settings.data_dir)
        url = embedded.start()
    try:
        migrations.upgrade(url)
    finally:
        if embedded is not None:
            embedded.stop()
    log.info("database is at the latest migration")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ordinarthur-os", description="A chat-first personal OS (Telegram bot + PWA)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve the web app, the bot and the scheduler")
    sub.add_parser("migrate", help="apply pending database migrations")
    dump = sub.add_parser("backup", help="pg_dump the ordinarthur_os schema into FILE")
    dump.add_argument("file", metavar="FILE")
    load = sub.add_parser("restore", help="replace the ordinarthur_os schema with FILE's")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--force", action="store_true", help="even if the schema holds data")
    return parser


COMMANDS = {"run": cmd_run, "migrate": cmd_migrate}
# Commands that need their parsed arguments too.
COMMANDS_WITH_ARGS = {"backup": backup.cmd_backup, "restore": backup.cmd_restore}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging()
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"ordinarthur-os: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    try:
        if args.command in COMMANDS_WITH_ARGS:
            return COMMANDS_WITH_ARGS[args.command](settings, args)
        return COMMANDS[args.command](settings)
    except KeyboardInterrupt:
        return 130


def entrypoint() -> None:
    sys.exit(main())
