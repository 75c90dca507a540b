from __future__ import annotations

from aiohttp import web

from web.keys import CONFIG

routes = web.RouteTableDef()


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "version": request.app[CONFIG].version})
