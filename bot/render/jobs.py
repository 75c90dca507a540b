"""Job offers: a line of the digest, a card of /jobs with its link."""

from __future__ import annotations

from bot.render.escape import esc
from store.tables import Job


def _pay(low: int | None, high: int | None) -> str:
    if low and high:
        return f"{low // 1000}–{high // 1000} k€"
    return f"{(low or high or 0) // 1000} k€"


def job_line(job: Job) -> str:
    """'• Title — company · location · remote type · pay'."""
    details = [esc(x) for x in (job.company, job.location, job.remote_type) if x]
    if job.salary_min or job.salary_max:
        details.append(_pay(job.salary_min, job.salary_max))
    suffix = f" — {' · '.join(details)}" if details else ""
    return f"• {esc(job.title)}{suffix}"


def job_card(job: Job) -> str:
    """/jobs: the line, starred or not, with the link to apply."""
    star = "⭐ " if job.starred else ""
    link = f'\n<a href="{esc(job.apply_url)}">Postuler</a>' if job.apply_url else ""
    return f"{star}{job_line(job).removeprefix('• ')}{link}"


def archived_job(job: Job) -> str:
    return f"🗄 <s>{esc(job.title)}</s>"
