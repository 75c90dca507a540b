"""JSON errors: `{"error": {"code", "message", "details"}}`, never an HTML page or a bare 500."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from store.errors import NotFoundError

log = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(ApiError):
    pass


class BadJson(BadRequest):
    code = "bad_json"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class Unprocessable(ApiError):
    status = 422
    code = "validation_error"


def error_response(status: int, code: str, message: str, details: Any = None) -> web.Response:
    body = {"error": {"code": code, "message": message, "details": details}}
    return web.json_response(body, status=status)


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


# PostgreSQL refused the values: a reference to nothing, a CHECK, a NUL in a text,
# a number out of range. The input was wrong, not the server.
_SQLSTATES: dict[str, type[ApiError]] = {
    "23503": Unprocessable,
    "23514": Unprocessable,
    "23505": Conflict,
}


def _database_error(exc: DBAPIError) -> ApiError | None:
    state = getattr(exc.orig, "sqlstate", None) or ""
    kind = _SQLSTATES.get(state) or (Unprocessable if state.startswith("22") else None)
    if kind is None:
        return None
    message = str(exc.orig).partition(": ")[2].split("\n")[0] or "rejected by the database"
    return kind(message, details={"sqlstate": state})


def to_api_error(exc: Exception) -> ApiError | None:
    """The client's error that `exc` stands for, or None for a server error."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ValidationError):
        return Unprocessable("invalid input", details=validation_details(exc))
    if isinstance(exc, NotFoundError):
        return NotFound(str(exc))
    if isinstance(exc, json.JSONDecodeError):
        return BadJson(f"body is not valid JSON: {exc.msg}")
    if isinstance(exc, DBAPIError):
        return _database_error(exc)
    return None


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, "http_error")
        return error_response(exc.status, code, exc.reason)
    except Exception as exc:
        error = to_api_error(exc)
        if error is None:
            log.exception("unhandled error on %s %s", request.method, request.path)
            return error_response(500, "internal_error", "internal error")
        return error_response(error.status, error.code, error.message, error.details)
