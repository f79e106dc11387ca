"""Writing many rows at once on SQLite and PostgreSQL.

SQLite's ``executemany`` runs its loop in C; on PostgreSQL psycopg sends one statement per row,
so there rows go through ``COPY`` (inserts) or a single statement over arrays (``unnest``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def _quoted(table: str, columns: Sequence[str]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(table), ", ".join(quote(c) for c in columns)


def insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``columns``, ready for the database)."""
    if not rows:
        return
    name, cols = _quoted(table, columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def add_counts(table: str, key: str, count: str, rows: Sequence[tuple[int, int]]) -> None:
    """Add each ``(key, n)`` to the row's ``count`` column, inserting the rows that are missing.
    Rows are written in the order given (callers sort them, so that concurrent writers on
    PostgreSQL lock rows in the same order)."""
    if not rows:
        return
    name, _ = _quoted(table, [])
    k, c = connection.ops.quote_name(key), connection.ops.quote_name(count)
    upsert = f"ON CONFLICT ({k}) DO UPDATE SET {c} = {name}.{c} + excluded.{c}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {name} ({k}, {c}) SELECT * FROM unnest(%s::bigint[], %s::integer[]) {upsert}",  # noqa: S608
                [[r[0] for r in rows], [r[1] for r in rows]],
            )
            return
        cursor.executemany(f"INSERT INTO {name} ({k}, {c}) VALUES (%s, %s) {upsert}", rows)  # noqa: S608


def delete_pairs(table: str, first: str, second: str, rows: Sequence[tuple[int, int]]) -> None:
    """Delete the rows whose ``(first, second)`` columns are one of ``rows``."""
    if not rows:
        return
    name, _ = _quoted(table, [])
    a, b = connection.ops.quote_name(first), connection.ops.quote_name(second)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"DELETE FROM {name} WHERE ({a}, {b}) IN "  # noqa: S608
                "(SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
                [[r[0] for r in rows], [r[1] for r in rows]],
            )
            return
        cursor.executemany(f"DELETE FROM {name} WHERE {a} = %s AND {b} = %s", rows)  # noqa: S608
