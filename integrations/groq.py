"""Speech-to-text with Groq Whisper, through the groq SDK.

Voice never fails silently: every failure is a `TranscriptionError` whose `code` says what
happened and whose French `message` can be shown to the owner as is. The size limit is checked
before anything is uploaded.
"""

from __future__ import annotations

import logging
from typing import Literal, Protocol

import groq
from groq import AsyncGroq

log = logging.getLogger(__name__)

# Groq's limit for a direct upload (free tier); larger files are refused before upload.
GROQ_MAX_BYTES = 25 * 1024 * 1024

ErrorCode = Literal["empty_audio", "too_large", "rejected", "unavailable", "empty_transcript"]


class TranscriptionError(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


class SpeechToText(Protocol):
    max_bytes: int
    provider: str  # as genai-prices names it, to price the audio
    model: str

    async def transcribe(
        self, audio: bytes, *, filename: str = "voice.ogg", content_type: str = "audio/ogg"
    ) -> str: ...

    async def aclose(self) -> None: ...


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} Mo"


class GroqSpeechToText:
    provider = "groq"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        model: str,
        language: str = "fr",
        max_bytes: int = GROQ_MAX_BYTES,
        timeout: float = 30.0,
    ) -> None:
        # No SDK retries: a failure goes back to the owner at once, with the audio kept to retry.
        self._client = AsyncGroq(
            api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout
        )
        self.model = model
        self.language = language
        self.max_bytes = max_bytes

    async def transcribe(
        self, audio: bytes, *, filename: str = "voice.ogg", content_type: str = "audio/ogg"
    ) -> str:
        if not audio:
            raise TranscriptionError("empty_audio", "Le message vocal est vide.")
        if len(audio) > self.max_bytes:
            raise TranscriptionError(
                "too_large",
                f"Message vocal trop long ({_size(len(audio))}, "
                f"limite {_size(self.max_bytes)}) : découpe-le ou écris-le.",
            )
        try:
            transcription = await self._client.audio.transcriptions.create(
                model=self.model,
                file=(filename, audio, content_type),
                language=self.language,
                response_format="json",
                temperature=0.0,
            )
        except groq.APITimeoutError:
            raise TranscriptionError(
                "unavailable", "La transcription a pris trop de temps (Groq) : réessaie."
            ) from None
        except groq.APIConnectionError:
            raise TranscriptionError(
                "unavailable", "Impossible de joindre le service de transcription (Groq)."
            ) from None
        except groq.APIStatusError as exc:
            raise _status_error(exc) from None
        text = (transcription.text or "").strip()
        if not text:
            raise TranscriptionError(
                "empty_transcript", "Je n'ai rien entendu dans ce message vocal."
            )
        return text

    async def aclose(self) -> None:
        await self._client.close()


def _status_error(exc: groq.APIStatusError) -> TranscriptionError:
    status = exc.status_code
    log.warning("Groq transcription failed: HTTP %s %s", status, exc.message)
    if status == 429 or status >= 500:
        return TranscriptionError(
            "unavailable",
            f"Le service de transcription est indisponible (Groq, HTTP {status}) : réessaie.",
        )
    if status in (401, 403):
        return TranscriptionError(
            "rejected", f"Transcription refusée par Groq (HTTP {status}) : vérifie GROQ_API_KEY."
        )
    if status == 413:
        return TranscriptionError("too_large", "Message vocal trop long pour Groq (HTTP 413).")
    return TranscriptionError(
        "rejected", f"Groq n'a pas pu transcrire ce fichier audio (HTTP {status})."
    )
