"""Writing many rows fast: COPY on PostgreSQL, chunked executemany on SQLite.

Used by `rebuild_rollups` and by the benchmark's data generator. Values are Python objects
(UUIDs, dates, aware datetimes, lists for JSON columns); both paths convert them alike.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, Table
from sqlmodel import Session

CHUNK = 5000


def copy_rows(
    session: Session, table: Table, names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Append `rows` (tuples in the order of `names`) to `table`; returns how many."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        json_at = [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]
        driver = connection.connection.driver_connection
        assert driver is not None
        written = 0
        columns = ", ".join(f'"{n}"' for n in names)
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy,
        ):
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row(row)
                written += 1
        return written
    # SQLite: the column types' own bind processors, then the driver's executemany directly
    # (SQLAlchemy's per-row parameter handling costs more than the insert itself).
    dialect = connection.dialect
    processors = [table.c[n].type._cached_bind_processor(dialect) for n in names]
    columns = ", ".join(f'"{n}"' for n in names)
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(names))})'
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    written = 0
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(
            tuple(
                v if p is None or v is None else p(v) for p, v in zip(processors, row, strict=True)
            )
        )
        if len(chunk) >= CHUNK:
            cursor.executemany(sql, chunk)
            written += len(chunk)
            chunk = []
    if chunk:
        cursor.executemany(sql, chunk)
        written += len(chunk)
    cursor.close()
    return written
