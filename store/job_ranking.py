"""Which job offers match the owner's search criteria, best first. Pure: reads rows only."""

from __future__ import annotations

from collections.abc import Sequence

from store.tables import Job, JobSearchCriteria


def _words(values: Sequence[str]) -> set[str]:
    return {v.strip().lower() for v in values if v.strip()}


def job_matches(job: Job, criteria: JobSearchCriteria) -> bool:
    """Every facet the criteria set fills must match; an empty facet matches anything.

    An offer that states no salary is kept: most offers omit it, and dropping them would
    hide most of the market.
    """
    title = job.title.lower()
    if criteria.titles and not any(word in title for word in _words(criteria.titles)):
        return False
    if criteria.stack and not _words(criteria.stack) & _words(job.stack):
        return False
    if criteria.remote_types and job.remote_type not in criteria.remote_types:
        return False
    best_pay = job.salary_max or job.salary_min
    return not (criteria.salary_min and best_pay is not None and best_pay < criteria.salary_min)


def rank_jobs(jobs: Sequence[Job], criteria: Sequence[JobSearchCriteria]) -> list[Job]:
    """Matching offers, the widest stack overlap first, then the best paid, then the newest."""
    wanted = set().union(*(_words(c.stack) for c in criteria)) if criteria else set()
    matching = [j for j in jobs if any(job_matches(j, c) for c in criteria)]
    return sorted(
        matching,
        key=lambda j: (
            -len(_words(j.stack) & wanted),
            -(j.salary_max or j.salary_min or 0),
            -j.first_seen_at.timestamp(),
        ),
    )
