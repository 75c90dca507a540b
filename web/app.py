"""The aiohttp application: middlewares and routes. Resources are put in by `app.create_app`."""

from __future__ import annotations

from aiohttp import web

from web.auth import bearer_auth
from web.errors import json_errors
from web.keys import CONFIG, WebConfig
from web.routes import health


def create_web_app(config: WebConfig) -> web.Application:
    app = web.Application(
        middlewares=[json_errors, bearer_auth], client_max_size=config.max_body_bytes
    )
    app[CONFIG] = config
    app.add_routes(health.routes)
    return app
