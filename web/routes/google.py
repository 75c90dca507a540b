"""Google Agenda: connect the owner's account (OAuth web flow), sync the agenda with it.

- `GET /agenda/google/oauth/start` (bearer) → `{"url": …}`, Google's consent page. JSON, not a
  302: the PWA calls it with its bearer (a navigation cannot carry one), then opens the URL.
- `GET /agenda/google/oauth/callback?state&code` (public: Google's redirect carries no bearer,
  the single-use state is the credential) → a small HTML page for the tab that comes back:
  200 connected, 400 unknown/expired/used state or refused code, 502 Google failed,
  503 not configured.
- `POST /agenda/google/sync` (bearer) → `{pushed, pulled, deleted, errors, restored}`: the
  events Google refused this time (the others went), and those deleted in Google after a change
  here, recreated there; 409 no account connected yet, or the calendar was deleted in Google
  (reconnect to recreate it), 502 Google failed or refused (the message says why), 503 not
  configured.

Not configured (GOOGLE_OAUTH_CLIENT_ID, …_SECRET or …_REDIRECT_URI unset) is 503, as for the
AI routes without their provider: the service is up, the feature is off. The work is done by
`web.appkeys.GOOGLE` (integrations/google); this module only speaks HTTP.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from integrations.google import GoogleAgenda
from integrations.google.errors import (
    GoogleAgendaError,
    GoogleCalendarGoneError,
    GoogleNotConnectedError,
    GoogleOAuthStateError,
)
from web.api import Api
from web.appkeys import GOOGLE
from web.errors import ApiError, Conflict
from web.headers import style_hash
from web.models import Out

api = Api("google")

NOT_CONFIGURED = (
    "Google Agenda n'est pas configuré (GOOGLE_OAUTH_CLIENT_ID, GOOGLE_OAUTH_CLIENT_SECRET, "
    "GOOGLE_OAUTH_REDIRECT_URI)."
)
SETTINGS_PAGE = "/app/settings"


class GoogleNotConfigured(ApiError):
    status = 503
    code = "google_not_configured"


class GoogleNotConnected(Conflict):
    code = "google_not_connected"


class GoogleCalendarGone(Conflict):
    code = "google_calendar_gone"


class GoogleFailed(ApiError):
    status = 502
    code = "google_failed"


def _google(request: web.Request) -> GoogleAgenda:
    google = request.app.get(GOOGLE)
    if google is None:
        raise GoogleNotConfigured(NOT_CONFIGURED)
    return google


class AuthorizationUrl(Out):
    url: str


class GoogleEventErrorOut(Out):
    event_id: uuid.UUID | None = Field(description="null: a deletion of an event gone here")
    title: str
    message: str = Field(description="why Google refused it, in French")


class GoogleRestoredOut(Out):
    event_id: uuid.UUID
    title: str


class GoogleSyncOut(Out):
    pushed: int
    pulled: int
    deleted: int
    errors: list[GoogleEventErrorOut] = Field(
        description="events Google refused this time; the others went"
    )
    restored: list[GoogleRestoredOut] = Field(
        description="events deleted in Google after a change here: recreated there"
    )


class CallbackQuery(BaseModel):
    """What Google appends to the redirect URI. Not `In`: Google adds more (scope, authuser,
    prompt, iss) and an unknown parameter must not turn the page into a 422."""

    model_config = ConfigDict(extra="ignore")

    state: str | None = None
    code: str | None = None
    error: str | None = None


@api.get("/agenda/google/oauth/start", errors=(503,))
async def google_oauth_start(request: web.Request) -> AuthorizationUrl:
    """Google's consent page for the agenda, to open in the browser."""
    return AuthorizationUrl(url=await _google(request).authorization_url())


@api.post("/agenda/google/sync", errors=(409, 502, 503))
async def google_sync(request: web.Request) -> GoogleSyncOut:
    """Sync the agenda with Google now: Google's changes in, then ours out."""
    try:
        report = await _google(request).sync()
    except GoogleNotConnectedError as exc:
        raise GoogleNotConnected(str(exc)) from None
    except GoogleCalendarGoneError as exc:
        raise GoogleCalendarGone(str(exc)) from None
    except GoogleAgendaError as exc:
        raise GoogleFailed(str(exc)) from None
    return GoogleSyncOut.model_validate(report)


# ---------------------------------------------------------------- the callback's page

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem }
h1 { font-size: 1.4rem }
"""
# The page's only resource is its inline style, allowed by its hash: no script can ever run.
_CSP = "; ".join(
    (
        "default-src 'none'",
        f"style-src '{style_hash(_STYLE)}'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<h1>{title}</h1>
<p>{detail}</p>
<p><a href="{back}">Retour aux réglages</a></p>
</body>
</html>
"""


def _page(status: int, title: str, detail: str) -> web.Response:
    body = _PAGE.format(
        title=html.escape(title), detail=html.escape(detail), back=SETTINGS_PAGE, style=_STYLE
    )
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": _CSP,
    }
    return web.Response(status=status, text=body, content_type="text/html", headers=headers)


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


_CALLBACK_RESPONSES = {
    200: _html("Connected: a page saying so"),
    400: _html("Unknown, expired or used state; consent refused; code refused by Google"),
    502: _html("Google failed or could not be reached"),
    503: _html("Google Agenda is not configured"),
}


@api.get("/agenda/google/oauth/callback", public=True, responses=_CALLBACK_RESPONSES)
async def google_oauth_callback(request: web.Request, query: CallbackQuery) -> web.StreamResponse:
    """Where Google sends the owner back after consenting; answers a page for the browser."""
    google = request.app.get(GOOGLE)
    if google is None:
        return _page(503, "Google Agenda indisponible", NOT_CONFIGURED)
    if query.error or not query.state or not query.code:
        detail = "Google n'a pas donné d'accès (refusé ou lien incomplet) : relance la connexion."
        return _page(400, "Connexion annulée", detail)
    try:
        await google.connect(state=query.state, code=query.code)
    except GoogleOAuthStateError as exc:
        return _page(400, "Connexion impossible", str(exc))
    except GoogleAgendaError as exc:
        return _page(502, "Google ne répond pas", str(exc))
    detail = "Le calendrier « ordinarthur-os » de ton compte Google est relié à l'agenda."
    return _page(200, "Google Agenda connecté ✅ — tu peux fermer cet onglet", detail)
