"""A fake Groq speech-to-text server for the real groq SDK.

async with FakeGroq.start(transcript="Ajoute pain") as fake:
    client = AsyncGroq(api_key=fake.api_key, base_url=fake.url, max_retries=0)
    fake.push_status(500)  # the next call fails, the one after gets the transcript
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._server import FakeServer, bearer_token

JsonDict = dict[str, Any]
API_KEY = "test-groq-key"
# Groq refuses uploads over 25 MB on the free tier.
MAX_BYTES = 25 * 1024 * 1024

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_api_key",
    413: "request_too_large",
    429: "rate_limit_exceeded",
}


@dataclass(frozen=True)
class Upload:
    """One transcription request: the form fields and the uploaded file."""

    fields: dict[str, str]
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class _Answer:
    text: str | None = None
    status: int | None = None
    message: str = ""
    delay: float = 0.0


class FakeGroq(FakeServer):
    """Fake `POST /openai/v1/audio/transcriptions`.

    Scripting: `transcript` (the default answer), `push_text`, `push_status`, `push_delay`
    (queued, one request each). Recording: `uploads` (every accepted multipart request) and
    `last_upload`.
    """

    def __init__(
        self,
        *,
        api_key: str = API_KEY,
        transcript: str = "Ajoute une tâche acheter du pain demain",
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.api_key = api_key
        self.transcript = transcript
        self.max_bytes = max_bytes
        self.uploads: list[Upload] = []
        self._queue: list[_Answer] = []
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/openai/v1/audio/transcriptions", self._handle)

    def push_text(self, text: str) -> None:
        self._queue.append(_Answer(text=text))

    def push_status(self, status: int, message: str = "") -> None:
        self._queue.append(_Answer(status=status, message=message or f"fake error {status}"))

    def push_delay(self, seconds: float, text: str | None = None) -> None:
        """The next request waits `seconds` (to trip client timeouts) before answering."""
        self._queue.append(_Answer(text=text, delay=seconds))

    @property
    def last_upload(self) -> Upload:
        return self.uploads[-1]

    async def _handle(self, request: web.Request) -> web.Response:
        if bearer_token(request) != self.api_key:
            return _error(401, "Invalid API Key")
        upload = await _read_upload(request)
        if upload is None:
            return _error(400, "file and model are required")
        if upload.size > self.max_bytes:
            return _error(413, "Request Entity Too Large")
        self.uploads.append(upload)
        answer = self._queue.pop(0) if self._queue else _Answer()
        if answer.delay and not await self.sleep(answer.delay):
            return web.Response(status=503)
        if answer.status is not None:
            return _error(answer.status, answer.message)
        return _transcription(upload, answer.text if answer.text is not None else self.transcript)


async def _read_upload(request: web.Request) -> Upload | None:
    form = await request.post()
    file = form.get("file")
    if not isinstance(file, web.FileField) or "model" not in form:
        return None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return Upload(fields, file.filename, file.content_type, file.file.read())


def _transcription(upload: Upload, text: str) -> web.Response:
    response_format = upload.fields.get("response_format", "json")
    if response_format == "text":
        return web.Response(text=text)
    body: JsonDict = {"text": text, "x_groq": {"id": f"req_fake{len(text)}"}}
    if response_format == "verbose_json":
        body |= {
            "task": "transcribe",
            "language": upload.fields.get("language", "fr"),
            "duration": 2.0,
            "segments": [{"id": 0, "start": 0.0, "end": 2.0, "text": text}],
        }
    return web.json_response(body)


def _error(status: int, message: str) -> web.Response:
    error = {"message": message, "type": _ERROR_TYPES.get(status, "server_error")}
    return web.json_response({"error": error}, status=status)
