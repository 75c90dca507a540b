"""What the schema holds, for backup and restore: its tables that have rows. Never commit."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from store.tables import SCHEMA

_TABLES = text(
    "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname = :schema and c.relkind in ('r', 'p') order by 1"
)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def tables_with_rows(
    *, connection: AsyncConnection, ignored: Collection[str] = ()
) -> list[str]:
    """The schema's tables (as the database has them, not as this code knows them) that hold
    at least one row, but for `ignored`."""
    names = (await connection.execute(_TABLES, {"schema": SCHEMA})).scalars().all()
    non_empty = []
    for name in names:
        if name in ignored:
            continue
        table = f"{_ident(SCHEMA)}.{_ident(name)}"
        if (await connection.execute(text(f"select exists (select from {table})"))).scalar():
            non_empty.append(name)
    return non_empty


# A restore is the archive's SQL replayed by psql between these two: the schema is replaced in
# one transaction, and an input that stops before the COMMIT rolls everything back.
RESTORE_BEGIN = f"BEGIN;\nDROP SCHEMA IF EXISTS {_ident(SCHEMA)} CASCADE;\n".encode()
RESTORE_COMMIT = b"COMMIT;\n"
