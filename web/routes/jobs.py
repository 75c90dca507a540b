"""Job offers (ingested by the external scraper) and the search criteria it reads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints
from pydantic.experimental.missing_sentinel import MISSING
from sqlalchemy.ext.asyncio import AsyncSession

from core.vocabulary import REMOTE_TYPES, RemoteType
from store import jobs
from store.clock import Clock
from web.api import Api
from web.models import In, Instant, Int32, Out, QueryInstant, Tag, Text, Title, many

api = Api("jobs")

Url = Annotated[str, Field(min_length=1, max_length=4000)]
Stack = Annotated[list[Tag], Field(max_length=100)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# 5,000 offers with long descriptions do not fit the 1 MiB of other routes.
INGEST_MAX_BODY = 16 * 1024 * 1024


class JobIngest(In):
    source: Tag
    source_url: Url
    title: Title
    company: Text | None = None
    description: Text | None = None
    location: Text | None = None
    remote_type: RemoteType | None = None
    salary_min: Int32 | None = None
    salary_max: Int32 | None = None
    stack: Stack = Field(default_factory=list)
    apply_url: Url | None = None


class IngestIn(In):
    jobs: list[JobIngest] = Field(max_length=10_000)


class IngestOut(Out):
    inserted: int
    updated: int


class JobOut(Out):
    id: uuid.UUID
    source: str
    source_url: str
    title: str
    company: str | None
    description: str | None
    location: str | None
    remote_type: RemoteType | None
    salary_min: int | None
    salary_max: int | None
    stack: list[str]
    apply_url: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    archived: bool
    starred: bool
    applied_at: datetime | None
    notes: str | None


class JobQuery(In):
    archived: bool | None = None
    remote_type: RemoteType | None = None
    stack: list[Tag] = Field(default_factory=list, alias="stack[]", max_length=100)
    since: QueryInstant | None = None
    location: Place | None = Field(
        None, description="offers whose location contains this, ignoring case and accents"
    )
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


class LocationsQuery(In):
    archived: bool = Field(False, description="count the archived offers instead")
    limit: int = Field(10, ge=1, le=100)


class LocationOut(Out):
    location: str = Field(description="its most frequent spelling")
    count: int = Field(description="offers at this location (any case or accents)")


class JobPatch(In):
    """The owner's fields; the scraper never overwrites them."""

    starred: bool | MISSING = MISSING
    archived: bool | MISSING = MISSING
    applied_at: Instant | None | MISSING = MISSING
    notes: Text | None | MISSING = MISSING


class CriteriaIn(In):
    name: Tag | None = None
    titles: Stack = Field(default_factory=list)
    locations: Stack = Field(default_factory=list)
    stack: Stack = Field(default_factory=list)
    remote_types: list[RemoteType] = Field(default_factory=list, max_length=len(REMOTE_TYPES))
    salary_min: Int32 | None = None
    active: bool = True


class CriteriaOut(Out):
    id: uuid.UUID
    name: str | None
    titles: list[str]
    locations: list[str]
    stack: list[str]
    remote_types: list[str]
    salary_min: int | None
    active: bool
    updated_at: datetime


@api.post("/jobs/ingest", max_body=INGEST_MAX_BODY)
async def ingest_jobs(session: AsyncSession, clock: Clock, body: IngestIn) -> IngestOut:
    """Upsert offers by `source_url`; the owner's starred/archived/applied_at/notes stay."""
    offers = body.model_dump()["jobs"]  # one pydantic-core call, not 5,000
    counts = await jobs.ingest_jobs(session=session, jobs=offers, now=clock.now())
    return IngestOut(inserted=counts.inserted, updated=counts.updated)


@api.get("/jobs")
async def list_jobs(session: AsyncSession, query: JobQuery) -> list[JobOut]:
    """Offers, most recently seen first; `stack[]` matches any of the technologies."""
    return many(JobOut, await jobs.list_jobs(session=session, **query.model_dump()))


@api.get("/jobs/locations")
async def frequent_locations(session: AsyncSession, query: LocationsQuery) -> list[LocationOut]:
    """The offers' most common locations, most frequent first (the PWA's filter chips)."""
    rows = await jobs.frequent_locations(session=session, **query.model_dump())
    return many(LocationOut, rows)


@api.get("/jobs/criteria")
async def list_criteria(session: AsyncSession) -> list[CriteriaOut]:
    """The search criteria the scraper reads."""
    return many(CriteriaOut, await jobs.list_criteria(session=session))


@api.post("/jobs/criteria", status=201)
async def create_criteria(session: AsyncSession, clock: Clock, body: CriteriaIn) -> CriteriaOut:
    """Add a search."""
    row = await jobs.create_criteria(session=session, data=body.model_dump(), now=clock.now())
    return CriteriaOut.model_validate(row)


@api.put("/jobs/criteria/{criteria_id}")
async def replace_criteria(
    session: AsyncSession, clock: Clock, criteria_id: uuid.UUID, body: CriteriaIn
) -> CriteriaOut:
    """Replace a search (fields left out take their defaults)."""
    row = await jobs.replace_criteria(
        session=session, criteria_id=criteria_id, data=body.model_dump(), now=clock.now()
    )
    return CriteriaOut.model_validate(row)


@api.delete("/jobs/criteria/{criteria_id}")
async def delete_criteria(session: AsyncSession, criteria_id: uuid.UUID) -> None:
    """Delete a search."""
    await jobs.delete_criteria(session=session, criteria_id=criteria_id)


@api.get("/jobs/{job_id}")
async def get_job(session: AsyncSession, job_id: uuid.UUID) -> JobOut:
    """One offer."""
    return JobOut.model_validate(await jobs.get_job(session=session, job_id=job_id))


@api.patch("/jobs/{job_id}")
async def update_job(session: AsyncSession, job_id: uuid.UUID, body: JobPatch) -> JobOut:
    """Star, archive, mark applied, annotate."""
    data = body.model_dump(exclude_unset=True)
    return JobOut.model_validate(await jobs.update_job(session=session, job_id=job_id, data=data))
