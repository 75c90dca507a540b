"""OpenAPI 3.1 document, generated from the endpoints' pydantic models; served at
`GET /openapi.json` (bearer required).

How to put a route module in the document (and in sync replay, for mutations):

    # web/routes/things.py
    from web.api import Api

    api = Api("things")                         # the tag of its operations

    @api.post("/things", status=201, summary="Create a thing")
    async def create_thing(session: AsyncSession, body: ThingIn) -> ThingOut:
        ...

    # web/app.py
    mount(app, things.api)

`web/api.py` says which parameters a handler may take (body, query, path segments, session,
clock, config, request). What the document holds for each operation:
- request body: the `body` model (validation schema), `application/json`; or, for a body the
  handler reads itself (multipart, …), `request_body={"content": {...}}` given verbatim;
- query parameters: one per field of the `query` model (by alias; list fields explode);
- path parameters: `{name}`; `format: uuid` when annotated `uuid.UUID`, else a string, or
  `path_schemas={"name": {...}}`;
- the success response from the return annotation (serialisation schema), `status=` for its
  code (204 when it returns None); raw `web.StreamResponse` endpoints describe theirs with
  `responses={200: {"description": …, "content": {...}}}` (a dict is taken verbatim, a
  pydantic type becomes a JSON response);
- the error responses (`Error` schema) the endpoint can give: 401 unless `public=True`,
  400/413/422 when it has a body, 422 when it has a query, 404 when it has path parameters,
  plus `errors=(404, 409, …)` for the others it raises (say 404 when a *body* names a row
  that may not exist: the schemathesis test fails on any undocumented status).
Every model is collected in `components/schemas` via `$ref`s (`#/components/schemas/{model}`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import JsonSchemaMode

from web.api import Api, Operation
from web.appkeys import CONFIG

REF_TEMPLATE = "#/components/schemas/{model}"


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class Error(BaseModel):
    """Every error answer: `{"error": {"code", "message", "details"}}`."""

    error: ErrorDetail


@dataclass
class Registry:
    """Every mounted operation of one application, in mount order."""

    operations: list[Operation] = field(default_factory=list)
    document: dict[str, Any] | None = None

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for op in self.operations:
            if op.method == method and (m := op.pattern.match(path)):
                return op, m.groupdict()
        return None


REGISTRY = web.AppKey("openapi_registry", Registry)


def mount(app: web.Application, *apis: Api) -> None:
    """Add the apis' routes to the app and their operations to its OpenAPI document."""
    if REGISTRY not in app:
        app[REGISTRY] = Registry()
    registry = app[REGISTRY]
    for api in apis:
        for op in api.operations:
            app.router.add_route(op.method, op.path, op.handle)
            registry.operations.append(op)
    registry.document = None


_ERROR_TEXT = {
    400: "Body is not valid JSON",
    401: "Missing or wrong bearer token",
    404: "Not found",
    409: "Conflict",
    413: "Body too large",
    422: "Invalid input",
    502: "An upstream service failed",
    503: "Disabled or unavailable",
}


# Answers any operation may give, whatever its parameters: defined once in
# `components/responses`, referred to by every operation (414), or every private one (429).
COMMON_RESPONSES = {"414": "UriTooLong", "429": "TooManyFailures"}


def _common_responses(error: Any) -> dict[str, Any]:
    retry_after = {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
    return {
        "UriTooLong": {
            "description": "The request URI is longer than 8190 bytes",
            "content": _json_content(error),
        },
        "TooManyFailures": {
            "description": "Too many wrong bearer tokens from this address: wait Retry-After",
            "headers": {"Retry-After": retry_after},
            "content": _json_content(error),
        },
    }


def _error_codes(op: Operation) -> list[int]:
    codes = [] if op.public else [401]
    if op.param("body") is not None:
        codes += [400, 413, 422]
    elif op.param("query") is not None or op.param("path") is not None:
        codes.append(422)
    if op.param("path") is not None:
        codes.append(404)
    return codes + [code for code in op.errors if code not in codes]


class _Schemas:
    """Collects every type the document refers to, then resolves them in one pydantic call."""

    def __init__(self) -> None:
        self.inputs: list[tuple[int, JsonSchemaMode, TypeAdapter[Any]]] = []

    def add(self, tp: Any, mode: JsonSchemaMode) -> tuple[int, JsonSchemaMode]:
        self.inputs.append((len(self.inputs), mode, TypeAdapter(tp)))
        return len(self.inputs) - 1, mode

    def resolve(self) -> tuple[dict[tuple[int, JsonSchemaMode], Any], dict[str, Any]]:
        schemas, defs = TypeAdapter.json_schemas(self.inputs, ref_template=REF_TEMPLATE)
        return schemas, defs.get("$defs", {})


def _json_content(schema: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ref_name(schema: dict[str, Any]) -> str:
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def _absent_not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query string cannot say null: an optional parameter is simply left out."""
    branches: list[dict[str, Any]] = [b for b in prop.get("anyOf", ()) if b != {"type": "null"}]
    if len(branches) != 1 or prop.get("default", 0) is not None:
        return prop
    rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    return rest | branches[0]


def _query_parameters(schema: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    model = defs[_ref_name(schema)] if "$ref" in schema else schema
    required = set(model.get("required", ()))
    params = []
    for name, raw in model.get("properties", {}).items():
        prop = _absent_not_null(raw)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("type") == "array":
            param |= {"style": "form", "explode": True}
        params.append(param)
    return params


def _path_parameters(op: Operation) -> list[dict[str, Any]]:
    params = []
    for p in op.params:
        if p.kind != "path":
            continue
        default = {"type": "string", "format": "uuid"} if p.annotation is uuid.UUID else {}
        schema = op.path_schemas.get(p.name) or default or {"type": "string"}
        params.append({"name": p.name, "in": "path", "required": True, "schema": schema})
    return params


def _collect(schemas: _Schemas, op: Operation) -> dict[str, Any]:
    """Queue the operation's types; the keys say where to find their schemas."""
    body, query = op.param("body"), op.param("query")
    returns = None if op.raw or op.returns is None else op.returns
    return {
        "body": schemas.add(body.annotation, "validation") if body else None,
        "query": schemas.add(query.annotation, "validation") if query else None,
        "returns": schemas.add(returns, "serialization") if returns is not None else None,
        "extra": {
            code: schemas.add(tp, "serialization")
            for code, tp in op.responses.items()
            if not isinstance(tp, dict)
        },
    }


def build_document(operations: list[Operation], *, title: str, version: str) -> dict[str, Any]:
    schemas = _Schemas()
    error_key = schemas.add(Error, "serialization")
    keys = [_collect(schemas, op) for op in operations]
    resolved, defs = schemas.resolve()
    paths: dict[str, dict[str, Any]] = {}
    for op, key in zip(operations, keys, strict=True):
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(
            op, key, resolved, defs, resolved[error_key]
        )
    for key in keys:  # query models became parameters; their schemas are not referenced
        if key["query"] is not None and "$ref" in resolved[key["query"]]:
            defs.pop(_ref_name(resolved[key["query"]]), None)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": defs,
            "responses": _common_responses(resolved[error_key]),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def _operation(
    op: Operation,
    key: dict[str, Any],
    resolved: dict[Any, Any],
    defs: dict[str, Any],
    error: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"operationId": op.operation_id, "tags": [op.tag]}
    summary = op.summary or (op.handler.__doc__ or "").strip().split("\n")[0]
    if summary:
        doc["summary"] = summary
    if op.public:
        doc["security"] = []
    params = _path_parameters(op)
    if key["query"] is not None:
        params += _query_parameters(resolved[key["query"]], defs)
    if params:
        doc["parameters"] = params
    body = op.param("body")
    if body is not None:
        content = _json_content(resolved[key["body"]])
        doc["requestBody"] = {"required": not body.optional, "content": content}
    elif op.request_body is not None:
        doc["requestBody"] = op.request_body
    responses: dict[str, Any] = {}
    if key["returns"] is not None:
        content = _json_content(resolved[key["returns"]])
        responses[str(op.status)] = {"description": "Success", "content": content}
    elif not op.raw:
        responses["204"] = {"description": "Done, no content"}
    for code, spec in op.responses.items():
        if isinstance(spec, dict):
            responses[str(code)] = spec
        else:
            content = _json_content(resolved[key["extra"][code]])
            responses[str(code)] = {"description": "Success", "content": content}
    for code in _error_codes(op):
        text = _ERROR_TEXT.get(code, "Error")
        responses.setdefault(str(code), {"description": text, "content": _json_content(error)})
    for status, name in COMMON_RESPONSES.items():
        if status != "429" or not op.public:
            responses.setdefault(status, {"$ref": f"#/components/responses/{name}"})
    doc["responses"] = responses
    return doc


def document(app: web.Application) -> dict[str, Any]:
    """The application's document, built once."""
    registry = app[REGISTRY]
    if registry.document is None:
        version = app[CONFIG].version
        registry.document = build_document(
            registry.operations, title="ordinarthur-os", version=version
        )
    return registry.document


api = Api("meta")


_DOCUMENT = {"description": "This document", "content": _json_content({"type": "object"})}


@api.get("/openapi.json", responses={200: _DOCUMENT})
async def openapi_document(request: web.Request) -> web.StreamResponse:
    """The OpenAPI 3.1 document of this API."""
    return web.json_response(document(request.app))
