"""What a session token (the PWA signed in by Telegram) may call: the PWA's routes, by method
and path template, listed one by one. The master `API_BEARER_TOKEN` may call everything.

Outside the scope (403 for a session): what scripts and the operator use — the job scraper's
`POST /jobs/ingest`, `POST /telegram/set-webhook`, the `/openapi.json` document. A session may
list and revoke sessions, its own included: inside Telegram it is the only token the owner
has, and the settings page is where a lost phone is cut off. It cannot make a session: only
Telegram's signature can (`POST /auth/telegram`, public). Sync replay (`POST /sync/replay`)
applies the same scope to each mutation it replays.

A route added to the API is in neither list until someone decides: a session is refused it,
and `tests/web/test_sessions.py` fails until it is put in one of them.
"""

from __future__ import annotations

SESSION_SCOPE = frozenset(
    {
        # signing in, the device list
        "POST /auth/verify",
        "GET /auth/sessions",
        "DELETE /auth/sessions/{session_id}",
        # the owner's settings, the vocabulary, the service's state (the account page)
        "GET /settings",
        "PUT /settings",
        "GET /meta",
        "GET /status",
        # todos
        "GET /todos",
        "POST /todos",
        "GET /todos/{todo_id}",
        "PATCH /todos/{todo_id}",
        "DELETE /todos/{todo_id}",
        "POST /todos/{todo_id}/ai-enrich",
        "POST /todos/{todo_id}/ai-enrich/apply",
        # projects, their steps and ideas
        "GET /projects",
        "POST /projects",
        "GET /projects/{project_id}",
        "PATCH /projects/{project_id}",
        "DELETE /projects/{project_id}",
        "GET /projects/{project_id}/steps",
        "POST /projects/{project_id}/steps",
        "POST /projects/{project_id}/steps/reorder",
        "PATCH /projects/{project_id}/steps/{step_id}",
        "DELETE /projects/{project_id}/steps/{step_id}",
        "GET /projects/{project_id}/ideas",
        "POST /projects/{project_id}/ideas",
        "DELETE /projects/{project_id}/ideas/{idea_id}",
        # job offers (reading and marking them; not ingesting) and the search criteria
        "GET /jobs",
        "GET /jobs/locations",
        "GET /jobs/criteria",
        "POST /jobs/criteria",
        "PUT /jobs/criteria/{criteria_id}",
        "DELETE /jobs/criteria/{criteria_id}",
        "GET /jobs/{job_id}",
        "PATCH /jobs/{job_id}",
        # agenda and its Google link
        "GET /agenda/events",
        "POST /agenda/events",
        "GET /agenda/events/{event_id}",
        "PATCH /agenda/events/{event_id}",
        "DELETE /agenda/events/{event_id}",
        "GET /agenda/google/oauth/start",
        "POST /agenda/google/sync",
        # health tab
        "GET /health-tab/today",
        "POST /health-tab/today/toggle",
        "GET /health-tab/history",
        # the agent: palette, voice, confirm modal, journal
        "POST /ai/command",
        "POST /ai/voice",
        "POST /ai/command/confirm",
        "POST /ai/command/cancel",
        "POST /ai/command/undo",
        "GET /ai/actions",
        "GET /ai/action-schemas",
        "GET /ai/usage",  # the settings page's chart of the AI's cost
        # the offline queue (each replayed mutation is checked against this list too)
        "POST /sync/replay",
    }
)

MASTER_ONLY = frozenset(
    {
        "GET /openapi.json",
        "POST /jobs/ingest",
        "POST /telegram/set-webhook",
    }
)


def route_key(method: str, template: str) -> str:
    return f"{method.upper()} {template}"


def session_may(method: str, template: str) -> bool:
    return route_key(method, template) in SESSION_SCOPE
