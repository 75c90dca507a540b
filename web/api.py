"""Declared endpoints: one decorator gives a handler its aiohttp route, its OpenAPI operation
and, for mutations, its place in the offline-sync dispatcher (`/sync/replay`).

A handler is a plain async function whose parameters say what it needs:

    api = Api("todos")

    @api.patch("/todos/{todo_id}")
    async def update_todo(session: AsyncSession, todo_id: uuid.UUID, body: TodoPatch) -> TodoOut:
        ...

- `body: Model` (or `Model | None` for an optional body): the JSON body, validated.
- `query: Model`: the query string, validated (list fields read repeated keys).
- a parameter named like a `{placeholder}` of the path: that path segment; `uuid.UUID`
  segments that are not UUIDs answer 404 (the URL names nothing), never 500.
- `session: AsyncSession`: a session inside a transaction the endpoint owns (committed when
  the handler returns, rolled back when it raises; a GET's is always rolled back, it only
  reads). Sync replay passes its own.
- `clock: Clock`, `config: WebConfig`: the application's clock and web config.
- `request: web.Request`: the raw request (such an endpoint cannot be replayed offline).

The return annotation is the 200 (or `status=`) response: a pydantic model or `list[Model]`
(serialised to JSON), `None` (204), or `web.StreamResponse` (returned as is; describe it with
`responses=`). Register the module's `api` with `web.openapi.mount(app, api)`.
"""

from __future__ import annotations

import re
import types
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from aiohttp import web
from multidict import MultiMapping
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from store.clock import Clock
from web.appkeys import CLOCK, CONFIG, SESSIONMAKER, WebConfig
from web.errors import BadJson, NotFound, Unprocessable

Handler = Callable[..., Awaitable[Any]]
H = TypeVar("H", bound=Handler)

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_INJECTED = {AsyncSession: "session", Clock: "clock", WebConfig: "config", web.Request: "request"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # session | clock | config | request | body | query | path
    annotation: Any = None
    optional: bool = False


@dataclass
class Call:
    """What one invocation of an endpoint receives, from HTTP or from sync replay."""

    app: web.Application
    path_params: Mapping[str, str]
    body: bytes | None = None
    query: MultiMapping[str] | Mapping[str, str] = field(default_factory=dict)
    session: AsyncSession | None = None
    request: web.Request | None = None


def _path_regex(path: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(path)  # literal, name, literal, name, …, literal
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(regex + r"\Z")


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _param(name: str, annotation: Any, placeholders: set[str]) -> Param:
    inner, optional = _unwrap_optional(annotation)
    if name in placeholders:
        return Param(name, "path", inner)
    if name in ("body", "query"):
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise TypeError(f"{name} must be annotated with a pydantic model")
        return Param(name, name, inner, optional)
    if inner in _INJECTED:
        return Param(name, _INJECTED[inner], inner)
    raise TypeError(f"cannot inject parameter {name!r}: {annotation!r}")


@dataclass
class Operation:
    """One endpoint: its route, how to call it, and what OpenAPI says about it."""

    method: str
    path: str
    handler: Handler
    tag: str
    status: int = 200
    summary: str | None = None
    public: bool = False
    max_body: int | None = None
    responses: Mapping[int, Any] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    request_body: dict[str, Any] | None = None
    path_schemas: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    params: tuple[Param, ...] = ()
    returns: Any = None
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        hints = get_type_hints(self.handler)
        returns = hints.pop("return", None)
        self.returns = None if returns is type(None) else returns
        placeholders = set(_PLACEHOLDER.findall(self.path))
        self.params = tuple(_param(n, a, placeholders) for n, a in hints.items())
        missing = placeholders - {p.name for p in self.params}
        if missing:
            raise TypeError(f"{self.path}: no handler parameter for {sorted(missing)}")
        self.pattern = _path_regex(self.path)
        self._adapter = None if self.raw or self.returns is None else TypeAdapter(self.returns)

    @property
    def operation_id(self) -> str:
        return self.handler.__name__

    @property
    def raw(self) -> bool:
        return isinstance(self.returns, type) and issubclass(self.returns, web.StreamResponse)

    @property
    def success_status(self) -> int:
        return 204 if self.returns is None else self.status

    def param(self, kind: str) -> Param | None:
        return next((p for p in self.params if p.kind == kind), None)

    @property
    def needs_session(self) -> bool:
        return self.param("session") is not None

    @property
    def replayable(self) -> bool:
        return self.method in MUTATING and self.param("request") is None

    async def invoke(self, call: Call) -> Any:
        kwargs = {p.name: _argument(p, call) for p in self.params}
        return await self.handler(**kwargs)

    def to_json(self, result: Any) -> Any:
        """The response body as JSON-ready Python (what sync replay stores)."""
        return None if self._adapter is None else self._adapter.dump_python(result, mode="json")

    def respond(self, result: Any) -> web.StreamResponse:
        if self.raw:
            assert isinstance(result, web.StreamResponse)
            return result
        if self._adapter is None:
            return web.Response(status=204)
        body = self._adapter.dump_json(result)
        return web.Response(body=body, status=self.status, content_type="application/json")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler."""
        call = Call(request.app, request.match_info, query=request.query, request=request)
        if self.param("body") is not None:
            limit = self.max_body or request.app[CONFIG].max_body_bytes
            call.body = await request.clone(client_max_size=limit).read()
        if not self.needs_session:
            return self.respond(await self.invoke(call))
        async with request.app[SESSIONMAKER]() as session:
            call.session = session
            # A GET only reads: its implicit transaction is rolled back at close, which spares
            # the flush over every loaded object and the COMMIT round trip.
            async with nullcontext() if self.method == "GET" else session.begin():
                result = await self.invoke(call)
        return self.respond(result)


def _argument(p: Param, call: Call) -> Any:
    if p.kind == "path":
        return parse_path_param(p, call.path_params[p.name])
    if p.kind == "body":
        return parse_body(p.annotation, call.body, optional=p.optional)
    if p.kind == "query":
        return parse_query(p.annotation, call.query)
    if p.kind == "clock":
        return call.app[CLOCK]
    if p.kind == "config":
        return call.app[CONFIG]
    if p.kind == "session":
        return call.session
    if call.request is None:
        raise TypeError("this endpoint needs the HTTP request")
    return call.request


def parse_path_param(p: Param, value: str) -> Any:
    if p.annotation is uuid.UUID:
        try:
            return uuid.UUID(value)
        except ValueError:
            raise NotFound(f"no {p.name} {value!r}: not a UUID") from None
    return value


def parse_body(model: type[BaseModel], raw: bytes | None, *, optional: bool = False) -> Any:
    if not raw or not raw.strip():
        if optional:
            return None
        raise Unprocessable("a JSON body is required", details=[{"loc": ["body"]}])
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise BadJson("body is not valid JSON") from None
        raise


def _is_list(annotation: Any) -> bool:
    return get_origin(_unwrap_optional(annotation)[0]) is list


def parse_query(model: type[BaseModel], query: MultiMapping[str] | Mapping[str, str]) -> Any:
    lists = {f.alias or n for n, f in model.model_fields.items() if _is_list(f.annotation)}
    data: dict[str, Any] = {}
    for key in dict.fromkeys(query):
        if key in lists and isinstance(query, MultiMapping):
            data[key] = query.getall(key)
        else:
            data[key] = [query[key]] if key in lists else query[key]
    return model.model_validate(data)


class Api:
    """The endpoints of one route module. `web.openapi.mount(app, api)` registers them."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.operations: list[Operation] = []

    def route(self, method: str, path: str, **options: Any) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self.operations.append(Operation(method, path, handler, self.tag, **options))
            return handler

        return register

    def get(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("DELETE", path, **options)
