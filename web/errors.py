"""JSON errors: `{"error": {"code", "message", "details"}}`, never an HTML page or a bare 500."""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import ValidationError
from sqlalchemy import ColumnClause, Constraint, Index
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import ColumnCollectionConstraint
from sqlalchemy.sql.visitors import iterate

from store.errors import NotFoundError
from store.tables import Base

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


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


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


# PostgreSQL refused the values: a reference to nothing, a CHECK, a NUL in a text (class 22,
# data exception), a value beyond one of its limits (class 54, e.g. an index entry over 2,704
# bytes). The input was wrong, not the server.
_SQLSTATES: dict[str, type[ApiError]] = {
    "23503": Unprocessable,
    "23514": Unprocessable,
    "23505": Conflict,
}
_SQLSTATE_CLASSES: dict[str, type[ApiError]] = {"22": Unprocessable, "54": Unprocessable}


@cache
def _columns_by_constraint() -> dict[str, tuple[str, ...]]:
    """Our constraints' and indexes' names → the columns they cover (expressions included)."""
    found: dict[str, tuple[str, ...]] = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint.name, str):
                found[constraint.name] = _constraint_columns(constraint)
        for index in table.indexes:
            if isinstance(index.name, str):
                found[index.name] = _index_columns(index)
    return found


def _constraint_columns(constraint: Constraint) -> tuple[str, ...]:
    if isinstance(constraint, ColumnCollectionConstraint):
        return tuple(c.name for c in constraint.columns)
    return ()


def _index_columns(index: Index) -> tuple[str, ...]:
    """Its columns, and those inside its expressions (`md5(source_url)`)."""
    names = [
        c.name
        for e in index.expressions
        if not isinstance(e, str)
        for c in iterate(e)
        if isinstance(c, ColumnClause)
    ]
    return tuple(dict.fromkeys(names))


def _field(exc: DBAPIError) -> str | None:
    """The column PostgreSQL names, or the one(s) of the constraint or index it names."""
    error = exc.orig.__cause__ if exc.orig is not None else None
    column = getattr(error, "column_name", None)
    if column:
        return str(column)
    columns = _columns_by_constraint().get(str(getattr(error, "constraint_name", None)))
    return ", ".join(columns) if columns else None


def _message(exc: DBAPIError) -> str:
    """PostgreSQL's own message (the driver's error carries it), first line only."""
    error = exc.orig.__cause__ if exc.orig is not None else None
    text = getattr(error, "message", None) or str(exc.orig).partition(": ")[2]
    return str(text).split("\n")[0]


def _database_error(exc: DBAPIError) -> ApiError | None:
    state = getattr(exc.orig, "sqlstate", None) or ""
    kind = _SQLSTATES.get(state) or _SQLSTATE_CLASSES.get(state[:2])
    if kind is None:
        return None
    message = _message(exc) or "rejected by the database"
    if state in _SQLSTATES:  # a constraint: its message names it already
        return kind(message, details={"sqlstate": state})
    field = _field(exc)
    if field is not None:
        message = f"{field}: {message}"
    return kind(message, details={"sqlstate": state, "field": field})


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
