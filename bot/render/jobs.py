"""Job offers: a line of the digest, a card of /jobs with its link."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

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


def apply_link(url: str | None) -> str:
    """The offer's "Postuler" link. The URL comes from a scraper: only an absolute http(s) URL
    becomes a link, quotes escaped inside the attribute; anything else gets none."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if any(c.isspace() or not c.isprintable() for c in url):
        return ""
    return f'\n<a href="{html.escape(url, quote=True)}">Postuler</a>'


def job_card(job: Job) -> str:
    """/jobs: the line, starred or not, with the link to apply."""
    star = "⭐ " if job.starred else ""
    return f"{star}{job_line(job).removeprefix('• ')}{apply_link(job.apply_url)}"


def archived_job(job: Job) -> str:
    return f"🗄 <s>{esc(job.title)}</s>"
