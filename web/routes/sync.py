"""`POST /sync/replay`: the PWA's offline queue, replayed in order.

Each mutation runs through the same endpoint code as the live route (looked up in the app's
OpenAPI registry by method and path, not through an HTTP loopback), in its own transaction
that first claims its `client_mutation_id`: applied at most once ever, even when two replays
of the same batch race. A mutation that fails is rolled back, reported, and not claimed (the
PWA may fix and resend it); the others go on. A session token's replay may reach only what
that token could call itself (`web/scope.py`): any other mutation is a 403 in the report.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDict
from pydantic import Field

from store import mutations
from web.api import Api, Call, Operation
from web.appkeys import CLOCK, CONFIG, SESSIONMAKER
from web.errors import ApiError, NotFound, PayloadTooLarge, to_api_error
from web.models import In, Out
from web.openapi import REGISTRY, ErrorDetail
from web.scope import session_may
from web.sessions import MASTER, PRINCIPAL, Principal

log = logging.getLogger(__name__)

api = Api("sync")

REPLAY_MAX_BODY = 16 * 1024 * 1024


class InternalError(ApiError):
    status = 500
    code = "internal_error"


class OutsideScope(ApiError):
    status = 403
    code = "outside_session_scope"


class ClientMutationIn(In):
    client_mutation_id: Annotated[str, Field(min_length=1, max_length=200)]
    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    path: Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^/")]
    body: Any = None


class ReplayIn(In):
    mutations: list[ClientMutationIn] = Field(max_length=1000)


class ReplayError(Out):
    client_mutation_id: str
    status: int
    error: ErrorDetail


class ReplayOut(Out):
    """`acked`: applied now or by an earlier replay; the PWA can forget them."""

    acked: list[str]
    errors: list[ReplayError]


def _endpoint(app: web.Application, method: str, path: str) -> tuple[Operation, dict[str, str]]:
    found = app[REGISTRY].match(method, path)
    if found is None or not found[0].replayable:
        raise NotFound(f"no route replays {method} {path}")
    return found


def _compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


async def apply_once(
    app: web.Application, mutation: ClientMutationIn, principal: Principal = MASTER
) -> None:
    # A path may carry a query (one occurrence of a series: `?occurrence=…`).
    path, _, query = mutation.path.partition("?")
    op, params = _endpoint(app, mutation.method, path)
    if principal.is_session and not session_may(op.method, op.path):
        raise OutsideScope(f"a Telegram session cannot call {op.method} {op.path}")
    body = None if mutation.body is None else _compact_json(mutation.body)
    # The route's own limit, as if it had been called directly.
    limit = op.max_body or app[CONFIG].max_body_bytes
    if body is not None and len(body) > limit:
        raise PayloadTooLarge(
            f"the body of {mutation.method} {path} is over {limit} bytes",
            details={"limit": limit},
        )
    arguments = MultiDict(parse_qsl(query, keep_blank_values=True))
    async with app[SESSIONMAKER]() as session, session.begin():
        mutation_id = mutation.client_mutation_id
        now = app[CLOCK].now()
        if not await mutations.claim(session=session, client_mutation_id=mutation_id, now=now):
            return
        call = Call(app, params, body=body, query=arguments, session=session)
        result = await op.invoke(call)
        outcome = {"status": op.success_status, "body": op.to_json(result)}
        await mutations.record_result(
            session=session, client_mutation_id=mutation_id, result=outcome
        )


def _failure(mutation: ClientMutationIn, exc: Exception) -> ReplayError:
    error = to_api_error(exc)
    if error is None:
        log.exception("replay of %s %s failed", mutation.method, mutation.path)
        error = InternalError("internal error")
    detail = ErrorDetail(code=error.code, message=error.message, details=error.details)
    return ReplayError(
        client_mutation_id=mutation.client_mutation_id, status=error.status, error=detail
    )


@api.post("/sync/replay", max_body=REPLAY_MAX_BODY)
async def replay(request: web.Request, body: ReplayIn) -> ReplayOut:
    """Apply the offline mutations in order, each at most once ever. Each body is held to its
    route's own size limit (1 MiB for most): a larger one is reported with status 413."""
    acked: list[str] = []
    errors: list[ReplayError] = []
    principal = request[PRINCIPAL]
    for mutation in body.mutations:
        try:
            await apply_once(request.app, mutation, principal)
        except Exception as exc:  # one failure must not stop the rest
            errors.append(_failure(mutation, exc))
        else:
            acked.append(mutation.client_mutation_id)
    return ReplayOut(acked=acked, errors=errors)
