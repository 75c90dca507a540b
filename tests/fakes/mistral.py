"""A fake Mistral chat-completions server for the real mistralai SDK (through pydantic-ai).

async with FakeMistral.start() as fake:
    fake.push(ToolCalls([("create_todo", {"title": "Pain"})]), Text("C'est noté."))
    model = MistralModel("mistral-small-latest", provider=MistralProvider(api_key=fake.api_key,
                                                                          base_url=fake.url))
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes._server import FakeServer, bearer_token

JsonDict = dict[str, Any]
API_KEY = "test-mistral-key"


@dataclass(frozen=True)
class Text:
    """Answer with plain text (finish_reason "stop"). `usage`: (prompt, completion) tokens to
    report instead of the estimate."""

    content: str
    usage: tuple[int, int] | None = None


@dataclass(frozen=True)
class ToolCalls:
    """Answer with tool calls, each `(name, args)`; `ids` overrides the generated ids."""

    calls: Sequence[tuple[str, JsonDict]]
    content: str = ""
    ids: Sequence[str] | None = None
    usage: tuple[int, int] | None = None


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error status and a Mistral-style JSON error body."""

    status: int
    message: str = "Internal server error"


@dataclass(frozen=True)
class Hang:
    """Wait `seconds` (to trip client timeouts), then answer with `then`."""

    seconds: float
    then: Text | ToolCalls | Status | None = None


Behaviour = Text | ToolCalls | Status | Hang
Responder = Callable[[JsonDict], Behaviour]


def _default_responder(_request: JsonDict) -> Behaviour:
    return Text("D'accord.")


class FakeMistral(FakeServer):
    """Fake `POST /v1/chat/completions`.

    Scripting: `push(*behaviours)` queues answers, used once each in order; when the queue is
    empty, `responder(request_json)` decides. Recording: `requests` (full JSON bodies),
    `last_request`, `authorizations` (bearer tokens seen).
    """

    def __init__(self, *, api_key: str = API_KEY, responder: Responder | None = None) -> None:
        self.api_key = api_key
        self.responder: Responder = responder or _default_responder
        self.requests: list[JsonDict] = []
        self.authorizations: list[str | None] = []
        self._queue: list[Behaviour] = []
        self._ids = itertools.count(1)
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v1/chat/completions", self._handle)

    def push(self, *behaviours: Behaviour) -> None:
        self._queue.extend(behaviours)

    def reply_text(self, content: str) -> None:
        self.push(Text(content))

    def reply_tool_calls(self, *calls: tuple[str, JsonDict], content: str = "") -> None:
        self.push(ToolCalls(calls, content))

    def reply_status(self, status: int, message: str = "Internal server error") -> None:
        self.push(Status(status, message))

    def hang(self, seconds: float, then: Text | ToolCalls | Status | None = None) -> None:
        self.push(Hang(seconds, then))

    @property
    def last_request(self) -> JsonDict:
        return self.requests[-1]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token = bearer_token(request)
        self.authorizations.append(token)
        if token != self.api_key:
            return web.json_response({"message": "Unauthorized", "request_id": "fake"}, status=401)
        body = await request.json()
        self.requests.append(body)
        behaviour = self._queue.pop(0) if self._queue else self.responder(body)
        if isinstance(behaviour, Hang):
            if not await self.sleep(behaviour.seconds):
                return web.Response(status=503)
            behaviour = behaviour.then or Text("Trop tard.")
        if isinstance(behaviour, Status):
            return _error(behaviour)
        completion = self._completion(body, behaviour)
        if body.get("stream"):
            return await _stream(request, completion)
        return web.json_response(completion)

    def _completion(self, body: JsonDict, behaviour: Text | ToolCalls) -> JsonDict:
        message: JsonDict
        if isinstance(behaviour, ToolCalls):
            message, finish = self._tool_message(behaviour), "tool_calls"
        else:
            message = {"role": "assistant", "content": behaviour.content, "tool_calls": None}
            finish = "stop"
        return {
            "id": f"cmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "mistral-small-latest"),
            "choices": [{"index": 0, "finish_reason": finish, "message": message}],
            "usage": _usage(body, message, behaviour.usage),
        }

    def _tool_message(self, behaviour: ToolCalls) -> JsonDict:
        ids = list(behaviour.ids or [])
        calls = []
        for i, (name, args) in enumerate(behaviour.calls):
            # Mistral's tool-call ids are 9 alphanumerics; "call00001" is one, and predictable.
            call_id = ids[i] if i < len(ids) else f"call{next(self._ids):05d}"
            function = {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}
            calls.append({"id": call_id, "type": "function", "function": function})
        return {"role": "assistant", "content": behaviour.content, "tool_calls": calls}


def _usage(body: JsonDict, message: JsonDict, told: tuple[int, int] | None = None) -> JsonDict:
    # Roughly four characters a token, so cost-tracking code sees plausible numbers.
    prompt = max(1, len(json.dumps(body.get("messages", []))) // 4)
    completion = max(1, len(json.dumps(message)) // 4)
    if told is not None:
        prompt, completion = told
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _error(behaviour: Status) -> web.Response:
    body = {
        "object": "error",
        "message": behaviour.message,
        "type": "fake_error",
        "param": None,
        "code": str(behaviour.status),
    }
    return web.json_response(body, status=behaviour.status)


async def _stream(request: web.Request, completion: JsonDict) -> web.StreamResponse:
    """Send the whole answer as one server-sent chunk, then `[DONE]`."""
    choice = completion["choices"][0]
    delta = dict(choice["message"])
    for index, call in enumerate(delta.get("tool_calls") or []):
        call["index"] = index
    chunk = completion | {
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": choice["finish_reason"]}],
    }
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response
