"""The REST routes by domain, in mount order: `/jobs/criteria` must come before
`/jobs/{job_id}`, which would otherwise take "criteria" for an id."""

from __future__ import annotations

from web.api import Api
from web.routes import agenda, auth, checkins, enrich, ical, jobs, projects, sync, todos

REST_APIS: tuple[Api, ...] = (
    auth.api,
    todos.api,
    enrich.api,
    projects.api,
    jobs.api,
    agenda.api,
    ical.api,
    checkins.api,
    sync.api,
)
