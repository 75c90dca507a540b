"""Fake Telegram, Mistral, Groq and Google servers for running the real clients in tests.

Each fake is an aiohttp server on 127.0.0.1 with a random port: `async with Fake.start() as f:`
then point the client's base URL at `f.url`. Module docstrings show the wiring.
"""

from tests.fakes.google import FakeGoogle, GoogleRequest
from tests.fakes.groq import FakeGroq, Upload
from tests.fakes.mistral import FakeMistral, Hang, Status, Text, ToolCalls
from tests.fakes.telegram import (
    BOT_ID,
    BOT_TOKEN,
    OWNER_ID,
    Call,
    FakeTelegram,
    UploadedFile,
    callback_update,
    message_update,
    voice_update,
)

__all__ = [
    "BOT_ID",
    "BOT_TOKEN",
    "OWNER_ID",
    "Call",
    "FakeGoogle",
    "FakeGroq",
    "FakeMistral",
    "FakeTelegram",
    "GoogleRequest",
    "Hang",
    "Status",
    "Text",
    "ToolCalls",
    "Upload",
    "UploadedFile",
    "callback_update",
    "message_update",
    "voice_update",
]
