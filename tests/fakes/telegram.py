"""A fake Telegram Bot API server for running the real aiogram client in tests.

async with FakeTelegram.start() as tg:
    bot = Bot(BOT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.url)))
    tg.push_update(message_update(1, user_id=42, chat_id=42, text="/start"))

`init_data(...)` builds what Telegram hands a Mini App (`Telegram.WebApp.initData`), signed as
Telegram signs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

from aiohttp import web

from tests.fakes._server import FakeServer

BOT_TOKEN = "123456:fake-telegram-token"
BOT_ID = 123456
OWNER_ID = 42

JsonDict = dict[str, Any]
_Handler = Callable[[JsonDict, str], Any]

_unique = itertools.count(1)

# Fields the fake keeps as strings even when they look like numbers, JSON or booleans:
# a message text of "true" or "123" is still text.
_TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "url",
        "secret_token",
        "description",
        "short_description",
        "name",
        "title",
        "query",
        "language_code",
        "parse_mode",
        "action",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "user_id",
        "from_chat_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
    }
)


class Call(NamedTuple):
    """One Bot API request: the method name and its decoded parameters."""

    method: str
    params: JsonDict


@dataclass(frozen=True)
class UploadedFile:
    filename: str | None
    content_type: str
    data: bytes


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    times: int
    # Drop the connection without an answer, as a network failure does.
    disconnect: bool = False


@dataclass
class _StoredFile:
    file_id: str
    file_path: str
    data: bytes = field(repr=False)


class FakeTelegram(FakeServer):
    """Fake Bot API. Scripting: `push_update`, `add_file`, `fail_next`, `press`.

    Recording: `calls` (every request, `getUpdates` included), `calls_to(method)`,
    `wait_for(method)`, and `messages[(chat_id, message_id)]` holding the current state of
    every message the bot sent or edited.
    """

    def __init__(self, *, poll_wait: float = 0.5) -> None:
        # Long polls answer `[]` after at most this long, whatever timeout the client asked.
        self.poll_wait = poll_wait
        self.calls: list[Call] = []
        self.messages: dict[tuple[int | str, int], JsonDict] = {}
        self.commands: list[JsonDict] = []
        # The menu button of each chat (None: the bot's default), as setChatMenuButton left it.
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.webhook: JsonDict = {"url": ""}
        self._updates: list[JsonDict] = []
        self.downloads: list[str] = []  # the file paths downloaded, in order
        self._files: dict[str, _StoredFile] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._next_message_id: dict[int | str, int] = {}
        self._wakeup = asyncio.Event()
        self._new_call = asyncio.Event()
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/bot{token}/{method}", self._handle_method)
        router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)

    async def __aexit__(self, *exc_info: Any) -> None:
        self._wakeup.set()
        await super().__aexit__(*exc_info)

    # --- scripting -------------------------------------------------------------------------

    def push_update(self, update: JsonDict) -> None:
        """Queue a raw Update dict for the next `getUpdates`."""
        self._updates.append(update)
        message = update.get("message") or {}
        if "chat" in message:
            # Bot and user messages share one id sequence per chat, as in Telegram.
            chat_id = message["chat"]["id"]
            self._next_message_id[chat_id] = max(
                self._next_message_id.get(chat_id, 1), message["message_id"] + 1
            )
        self._wakeup.set()

    def add_file(self, file_id: str, data: bytes, file_path: str | None = None) -> str:
        """Make `getFile(file_id)` and its download work; returns the file_path."""
        path = file_path or f"voice/{file_id}.oga"
        self._files[file_id] = _StoredFile(file_id, path, data)
        return path

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 400,
        description: str = "Bad Request",
        retry_after: int | None = None,
        times: int = 1,
        disconnect: bool = False,
    ) -> None:
        """Make the next `times` calls to `method` fail with this Bot API error, or with
        `disconnect`, close the connection without answering (the network failing)."""
        failure = _Failure(error_code, description, retry_after, times, disconnect)
        self._failures.setdefault(method.lower(), []).append(failure)

    def press(self, update_id: int, chat_id: int, message_id: int, data: str) -> JsonDict:
        """A raw Update pressing `data` on a message the bot sent, carried as Telegram
        carries it: with its current text and inline keyboard."""
        message = dict(self.messages[(chat_id, message_id)])
        update = callback_update(update_id, chat_id=chat_id, message_id=message_id, data=data)
        update["callback_query"]["message"] = message
        return update

    # --- recording -------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[JsonDict]:
        """The params of every call to `method` (case-insensitive), oldest first."""
        return [c.params for c in self.calls if c.method.lower() == method.lower()]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[JsonDict]:
        """Wait until `method` was called at least `count` times; returns `calls_to(method)`."""
        async with asyncio.timeout(timeout):
            while len(self.calls_to(method)) < count:
                self._new_call.clear()
                await self._new_call.wait()
        return self.calls_to(method)

    # --- HTTP ------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = _decode_params(await request.post())
        self.calls.append(Call(method, params))
        self._new_call.set()
        if failure := self._pop_failure(method):
            if failure.disconnect and request.transport is not None:
                request.transport.close()
            return _error(failure.error_code, failure.description, failure.retry_after)
        try:
            result = await self._dispatch(method, params, request.match_info["token"])
        except _BotApiError as e:
            return _error(e.error_code, e.description)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["file_path"]
        self.downloads.append(path)
        for stored in self._files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    def _pop_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method.lower())
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    async def _dispatch(self, method: str, params: JsonDict, token: str) -> Any:
        name = method.lower()
        if name in ("sendmessage", "editmessagetext") and "text" in params:
            _check_text(str(params["text"]), params.get("parse_mode"))
        if name == "getupdates":
            return await self._get_updates(params)
        if handler := self._simple_handlers().get(name):
            return handler(params, token)
        if name.startswith("send") and name != "sendchataction":
            return self._send(params, token)
        return True

    def _simple_handlers(self) -> dict[str, _Handler]:
        return {
            "getme": lambda _p, token: _bot_user(token, with_capabilities=True),
            "editmessagetext": self._edit_text,
            "editmessagecaption": self._edit_text,
            "editmessagereplymarkup": self._edit_markup,
            "getfile": lambda p, _t: self._get_file(p),
            "setmycommands": lambda p, _t: self._set_commands(p),
            "deletemycommands": lambda _p, _t: self._set_commands({"commands": []}),
            "setchatmenubutton": lambda p, _t: self._set_menu_button(p),
            "getchatmenubutton": lambda p, _t: self._get_menu_button(p),
            "setwebhook": lambda p, _t: self._set_webhook(p),
            "deletewebhook": lambda p, _t: self._delete_webhook(p),
            "getwebhookinfo": lambda _p, _t: self._webhook_info(),
        }

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook["url"]:
            raise _BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        wait = min(float(params.get("timeout", 0)), self.poll_wait)
        if not self._updates and wait > 0 and not self.closing.is_set():
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), wait)
        limit = params.get("limit", 100)
        return self._updates[: limit if isinstance(limit, int) else 100]

    def _send(self, params: JsonDict, token: str) -> JsonDict:
        chat_id = params["chat_id"]
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message: JsonDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": _bot_user(token),
        }
        if "text" in params:
            message["text"] = params["text"]
        if "caption" in params:
            message["caption"] = params["caption"]
        _set_markup(message, params.get("reply_markup"))
        self.messages[(chat_id, message_id)] = message
        return message

    def _edit_text(self, params: JsonDict, token: str) -> JsonDict | bool:
        field_name = "caption" if "caption" in params else "text"
        return self._edit(params, token, {field_name: params.get(field_name, "")})

    def _edit_markup(self, params: JsonDict, token: str) -> JsonDict | bool:
        return self._edit(params, token, {})

    def _edit(self, params: JsonDict, token: str, changes: JsonDict) -> JsonDict | bool:
        if "inline_message_id" in params:
            return True
        key = (params["chat_id"], params["message_id"])
        # Editing a message this fake never saw is allowed: tests often make up the card
        # a callback points at.
        old = self.messages.get(key) or {
            "message_id": key[1],
            "date": int(time.time()),
            "chat": _chat(key[0]),
            "from": _bot_user(token),
        }
        new = {k: v for k, v in old.items() if k != "reply_markup"} | changes
        _set_markup(new, params.get("reply_markup"))
        if key in self.messages and _same_content(old, new):
            raise _BotApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        new["edit_date"] = int(time.time())
        self.messages[key] = new
        return new

    def _get_file(self, params: JsonDict) -> JsonDict:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise _BotApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > DOWNLOAD_LIMIT:
            raise _BotApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": f"u{stored.file_id}",
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def _set_commands(self, params: JsonDict) -> bool:
        self.commands = list(params.get("commands") or [])
        return True

    def _set_menu_button(self, params: JsonDict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if button.get("type") == "web_app" and not str(button["web_app"]["url"]).startswith(
            "https://"
        ):
            raise _BotApiError(400, "Bad Request: BUTTON_URL_INVALID")
        self.menu_buttons[params.get("chat_id")] = button
        return True

    def _get_menu_button(self, params: JsonDict) -> JsonDict:
        return self.menu_buttons.get(params.get("chat_id"), {"type": "default"})

    def _set_webhook(self, params: JsonDict) -> bool:
        self.webhook = {k: v for k, v in params.items() if k != "certificate"}
        return True

    def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _webhook_info(self) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if "max_connections" in self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
        if "allowed_updates" in self.webhook:
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info


# Bots may download files of 20 MB at most.
DOWNLOAD_LIMIT = 20 * 1000 * 1000

# Telegram's HTML parse mode: these tags only, balanced and nested; four named entities and
# the numeric ones; at most 4096 characters once parsed (counted in UTF-16 code units, as the
# entity offsets are). What Telegram answers otherwise, word for word.
TEXT_LIMIT = 4096
_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
     "code", "pre", "blockquote", "tg-emoji"}
)  # fmt: skip
_HTML_TOKEN = re.compile(
    r"<(?P<end>/)?(?P<name>[^\s<>/]*)(?P<attrs>[^<>]*)>"
    r"|&(?P<entity>lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});"
    r"|(?P<lone><)"
)
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _check_text(text: str, parse_mode: Any) -> None:
    shown = parse_html(text) if str(parse_mode).upper() == "HTML" else text
    if not shown.strip():
        raise _BotApiError(400, "Bad Request: message text is empty")
    if len(shown.encode("utf-16-le")) // 2 > TEXT_LIMIT:
        raise _BotApiError(400, "Bad Request: message is too long")


def parse_html(text: str) -> str:
    """The text Telegram shows; raises what it answers when it cannot parse the entities."""
    shown: list[str] = []
    open_tags: list[str] = []
    position = 0
    for token in _HTML_TOKEN.finditer(text):
        shown.append(text[position : token.start()])
        position = token.end()
        offset = len(text[: token.start()].encode())
        if token["lone"]:
            _refuse(f"Unsupported start tag at byte offset {offset}")
        elif token["entity"]:
            shown.append(_entity(token["entity"]))
        elif token["end"]:
            _close(open_tags, token["name"].lower(), offset)
        else:
            _open(open_tags, token["name"].lower(), token["attrs"], offset)
    shown.append(text[position:])
    if open_tags:
        _refuse(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(shown)


def _entity(entity: str) -> str:
    if entity.startswith("#x"):
        return chr(int(entity[2:], 16))
    if entity.startswith("#"):
        return chr(int(entity[1:]))
    return _ENTITIES[entity]


def _open(open_tags: list[str], name: str, attrs: str, offset: int) -> None:
    if name not in _HTML_TAGS:
        _refuse(f'Unsupported start tag "{name}" at byte offset {offset}')
    if name == "span" and "tg-spoiler" not in attrs:
        _refuse(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    open_tags.append(name)


def _close(open_tags: list[str], name: str, offset: int) -> None:
    if not open_tags:
        _refuse(f"Unexpected end tag at byte offset {offset}")
    if open_tags[-1] != name:
        _refuse(
            f'Unmatched end tag at byte offset {offset}, expected "</{open_tags[-1]}>", '
            f'found "</{name}>"'
        )
    open_tags.pop()


def _refuse(reason: str) -> None:
    raise _BotApiError(400, f"Bad Request: can't parse entities: {reason}")


class _BotApiError(Exception):
    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description


def _error(error_code: int, description: str, retry_after: int | None = None) -> web.Response:
    body: JsonDict = {"ok": False, "error_code": error_code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=error_code)


def _decode_params(form: Any) -> JsonDict:
    params: JsonDict = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            params[key] = UploadedFile(value.filename, value.content_type, value.file.read())
        else:
            params[key] = _decode_value(key, value)
    # aiogram sends `voice=attach://<part>` plus a part of that name; give tests the file.
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value.removeprefix("attach://"), value)
    return params


def _decode_value(key: str, value: str) -> Any:
    if key in _TEXT_FIELDS:
        return value
    if key in _INT_FIELDS and value.lstrip("-").isdigit():
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _set_markup(message: JsonDict, markup: Any) -> None:
    # Telegram echoes only inline keyboards back in the Message; reply keyboards vanish.
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _same_content(old: JsonDict, new: JsonDict) -> bool:
    keys = ("text", "caption", "reply_markup")
    return all(old.get(k) == new.get(k) for k in keys)


def _bot_id(token: str) -> int:
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else BOT_ID


def _bot_user(token: str, *, with_capabilities: bool = False) -> JsonDict:
    user: JsonDict = {
        "id": _bot_id(token),
        "is_bot": True,
        "first_name": "Ordinarthur OS",
        "username": "ordinarthur_os_bot",
    }
    if with_capabilities:
        user |= {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
    return user


def _chat(chat_id: int | str) -> JsonDict:
    if isinstance(chat_id, int) and chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Arthur"}
    return {"id": chat_id, "type": "supergroup", "title": "Group"}


def _user(user_id: int) -> JsonDict:
    return {"id": user_id, "is_bot": False, "first_name": "Arthur", "language_code": "fr"}


# --- Mini App sign-in ---------------------------------------------------------------------


def init_data(
    *,
    auth_date: datetime,
    user_id: int = OWNER_ID,
    bot_token: str = BOT_TOKEN,
    fields: JsonDict | None = None,
    drop: tuple[str, ...] = (),
) -> str:
    """`Telegram.WebApp.initData` for a Mini App opened by `user_id` at `auth_date`: the fields,
    URL-encoded, and `hash`, the HMAC-SHA256 (keyed by HMAC-SHA256("WebAppData", bot token))
    of the data-check string, every other field as `key=value` sorted by key, one per line.
    `fields` adds or replaces fields; `drop` leaves some out (before signing)."""
    user = {
        "id": user_id,
        "first_name": "Arthur",
        "language_code": "fr",
        "allows_write_to_pm": True,
    }
    values: dict[str, str] = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        "auth_date": str(int(auth_date.timestamp())),
    }
    values.update(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in (fields or {}).items()}
    )
    for name in drop:
        values.pop(name, None)
    check = "\n".join(f"{k}={v}" for k, v in sorted(values.items()))
    key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    values["hash"] = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(values, quote_via=quote)


# --- Update builders ---------------------------------------------------------------------


def message_update(
    update_id: int,
    user_id: int = OWNER_ID,
    chat_id: int | None = None,
    text: str = "",
    *,
    message_id: int | None = None,
    date: int | None = None,
    forwarded_from: str | None = None,
) -> JsonDict:
    """A raw Update with a text message; `forwarded_from` marks it as forwarded."""
    message = _message_base(update_id, user_id, chat_id, message_id, date)
    message["text"] = text
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if forwarded_from is not None:
        message["forward_origin"] = {
            "type": "hidden_user",
            "sender_user_name": forwarded_from,
            "date": message["date"] - 60,
        }
    return {"update_id": update_id, "message": message}


def voice_update(
    update_id: int,
    user_id: int = OWNER_ID,
    chat_id: int | None = None,
    file_id: str = "voice-1",
    *,
    duration: int = 3,
    mime_type: str = "audio/ogg",
    file_size: int | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> JsonDict:
    """A raw Update with a voice note; pair it with `FakeTelegram.add_file(file_id, data)`."""
    message = _message_base(update_id, user_id, chat_id, message_id, date)
    message["voice"] = {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "duration": duration,
        "mime_type": mime_type,
    }
    if file_size is not None:
        message["voice"]["file_size"] = file_size
    return {"update_id": update_id, "message": message}


def callback_update(
    update_id: int,
    user_id: int = OWNER_ID,
    chat_id: int | None = None,
    message_id: int = 1,
    data: str = "",
    *,
    callback_id: str | None = None,
    message_text: str = "…",
    bot_id: int = BOT_ID,
) -> JsonDict:
    """A raw Update with an inline-button press on the bot's message `message_id`."""
    chat = chat_id if chat_id is not None else user_id
    message: JsonDict = {
        "message_id": message_id,
        "date": int(time.time()) - 10,
        "chat": _chat(chat),
        "from": _bot_user(f"{bot_id}:x"),
        "text": message_text,
    }
    return {
        "update_id": update_id,
        "callback_query": {
            "id": callback_id or str(next(_unique) + 10**15),
            "from": _user(user_id),
            "message": message,
            "chat_instance": str(-chat),
            "data": data,
        },
    }


def _message_base(
    update_id: int, user_id: int, chat_id: int | None, message_id: int | None, date: int | None
) -> JsonDict:
    chat = chat_id if chat_id is not None else user_id
    return {
        "message_id": message_id if message_id is not None else update_id,
        "date": date if date is not None else int(time.time()),
        "chat": _chat(chat),
        "from": _user(user_id),
    }
