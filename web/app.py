"""The aiohttp application: middlewares and routes. Resources are put in by `app.create_app`."""

from __future__ import annotations

from aiohttp import web

from web.appkeys import CONFIG, WebConfig
from web.auth import bearer_auth
from web.errors import json_errors
from web.headers import PARSER_LINE_LIMIT, uri_limit
from web.headers import install as install_headers
from web.openapi import api as openapi_api
from web.openapi import mount
from web.routes import ai, google, liveness, settings, status, telegram, usage, vocabulary
from web.routes.pwa import add_pwa_routes
from web.routes.rest import REST_APIS
from web.throttle import THROTTLE, BearerThrottle


def create_web_app(config: WebConfig) -> web.Application:
    app = web.Application(
        middlewares=[uri_limit, json_errors, bearer_auth],
        client_max_size=config.max_body_bytes,
        handler_args={"max_line_size": PARSER_LINE_LIMIT},
    )
    install_headers(app)
    app[CONFIG] = config
    app[THROTTLE] = BearerThrottle()
    mount(app, liveness.api, openapi_api, settings.api, vocabulary.api)
    mount(app, *REST_APIS)
    mount(app, ai.api, usage.api, google.api, telegram.api, status.api)
    app.router.add_post("/telegram/webhook", telegram.webhook)
    add_pwa_routes(app, mini_app=config.mini_app)
    return app
