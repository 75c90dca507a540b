"""Job offers and search criteria. Keyword-only; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import (
    ColumnElement,
    Text,
    cast,
    column,
    func,
    insert,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.by_id import delete_by_id, get_by_id, update_by_id
from store.tables import EMPTY_TEXT_ARRAY, Job, JobSearchCriteria, search_key

# What a scraper sends. Everything else (starred, archived, applied_at, notes) is the owner's.
SCRAPED = (
    "source",
    "source_url",
    "title",
    "company",
    "description",
    "location",
    "remote_type",
    "salary_min",
    "salary_max",
    "stack",
    "apply_url",
)


@dataclass(frozen=True)
class IngestCounts:
    inserted: int
    updated: int


def _upsert_from_json(payload: str, now: datetime) -> Any:
    cols = Job.__table__.c
    rows = (
        func.jsonb_to_recordset(cast(literal(payload, Text), JSONB))
        .table_valued(*(column(name, cols[name].type) for name in SCRAPED))
        .render_derived(name="r", with_types=True)
    )
    values = [
        func.coalesce(rows.c.stack, EMPTY_TEXT_ARRAY) if n == "stack" else rows.c[n]
        for n in SCRAPED
    ]
    stamp = literal(now, cols.last_seen_at.type)
    stmt = pg_insert(Job).from_select(
        [*SCRAPED, "first_seen_at", "last_seen_at"], select(*values, stamp, stamp)
    )
    refreshed = {n: stmt.excluded[n] for n in (*SCRAPED, "last_seen_at") if n != "source_url"}
    # The unique index is on md5(source_url) (store/tables.py): the conflict names it.
    conflict = [func.md5(Job.source_url)]
    return stmt.on_conflict_do_update(index_elements=conflict, set_=refreshed).returning(
        literal_column("xmax = 0")
    )


async def ingest_jobs(
    *, session: AsyncSession, jobs: Sequence[Mapping[str, Any]], now: datetime
) -> IngestCounts:
    """Upsert offers by `source_url` in one statement: new ones are inserted, known ones get
    their scraped fields and `last_seen_at` refreshed. A URL twice in a batch counts once
    (the last one wins): PostgreSQL refuses to update a row twice in one statement."""
    unique = {job["source_url"]: job for job in jobs}
    if not unique:
        return IngestCounts(inserted=0, updated=0)
    # Other keys are ignored by jsonb_to_recordset; pydantic-core's encoder is the fast one.
    payload = to_json(list(unique.values())).decode()
    flags = (await session.execute(_upsert_from_json(payload, now))).scalars().all()
    inserted = sum(1 for f in flags if f)
    return IngestCounts(inserted=inserted, updated=len(flags) - inserted)


async def list_jobs(
    *,
    session: AsyncSession,
    archived: bool | None = None,
    remote_type: str | None = None,
    stack: Sequence[str] = (),
    since: datetime | None = None,
    location: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[Job]:
    """Most recently seen first; `stack` matches offers sharing any of the technologies,
    `location` those whose location contains it, ignoring case and accents."""
    where: list[ColumnElement[bool]] = []
    if archived is not None:
        where.append(Job.archived.is_(archived))
    if remote_type is not None:
        where.append(Job.remote_type == remote_type)
    if stack:
        where.append(Job.stack.overlap(list(stack)))
    if since is not None:
        where.append(Job.last_seen_at >= since)
    if location is not None:
        # strpos, not LIKE: a % or _ the owner types is a character, not a wildcard. No index
        # serves a "contains" without pg_trgm; the precomputed key keeps the scan cheap.
        where.append(func.strpos(Job.location_key, search_key(literal(location, Text))) > 0)
    stmt = select(Job).where(*where).order_by(Job.last_seen_at.desc(), Job.id)
    return (await session.execute(stmt.limit(limit).offset(offset))).scalars().all()


@dataclass(frozen=True)
class LocationCount:
    location: str
    count: int


async def frequent_locations(
    *, session: AsyncSession, archived: bool = False, limit: int = 10
) -> list[LocationCount]:
    """The most common locations of the offers, most frequent first. Spellings that differ
    only in case or accents count together, shown as their most frequent spelling."""
    count = func.count().label("count")
    spelling = func.mode().within_group(Job.location).label("location")
    stmt = select(spelling, count).where(
        Job.archived.is_(archived), func.btrim(Job.location_key) != ""
    )
    stmt = stmt.group_by(Job.location_key).order_by(count.desc(), Job.location_key).limit(limit)
    rows = (await session.execute(stmt)).all()
    return [LocationCount(location=location, count=n) for location, n in rows]


async def get_job(*, session: AsyncSession, job_id: uuid.UUID) -> Job:
    return await get_by_id(session, Job, job_id)


async def update_job(*, session: AsyncSession, job_id: uuid.UUID, data: dict[str, Any]) -> Job:
    return await update_by_id(session, Job, job_id, data)


async def list_criteria(*, session: AsyncSession) -> Sequence[JobSearchCriteria]:
    stmt = select(JobSearchCriteria).order_by(JobSearchCriteria.updated_at, JobSearchCriteria.id)
    return (await session.execute(stmt)).scalars().all()


async def create_criteria(
    *, session: AsyncSession, data: dict[str, Any], now: datetime
) -> JobSearchCriteria:
    stmt = insert(JobSearchCriteria).values(**data, updated_at=now).returning(JobSearchCriteria)
    return (await session.execute(stmt)).scalar_one()


async def replace_criteria(
    *, session: AsyncSession, criteria_id: uuid.UUID, data: dict[str, Any], now: datetime
) -> JobSearchCriteria:
    return await update_by_id(session, JobSearchCriteria, criteria_id, {**data, "updated_at": now})


async def delete_criteria(*, session: AsyncSession, criteria_id: uuid.UUID) -> None:
    await delete_by_id(session, JobSearchCriteria, criteria_id)
