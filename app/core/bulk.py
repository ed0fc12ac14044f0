"""Writing many rows fast.

`copy_rows` appends plain rows: COPY on PostgreSQL, chunked executemany on SQLite.
`execute_rows` runs one INSERT/UPSERT/UPDATE statement for many parameter sets.

On SQLite both hand the driver's `executemany` tuples converted by the column types' own bind
processors: SQLAlchemy's per-row parameter handling costs several times the insert itself
(it was most of a push's time). Values are Python objects (UUIDs, dates, aware datetimes,
lists for JSON columns); every path converts them alike.
"""

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Dialect, Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import Insert, UpdateBase
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


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameter of each placeholder, in order
    processors: tuple[Callable[[Any], Any] | None, ...]


_compiled: dict[tuple[int, str, tuple[str, ...]], tuple[UpdateBase, _Compiled]] = {}


def _compile(statement: UpdateBase, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
    # Keyed by identity, holding the statement so that its id cannot be reused: callers pass
    # statements they built once (module constants or cached builders).
    cache_key = (id(statement), dialect.name, keys)
    found = _compiled.get(cache_key)
    if found is not None:
        return found[1]
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup or ())
    processors = tuple(compiled.binds[name].type._cached_bind_processor(dialect) for name in names)
    result = _Compiled(str(compiled), names, processors)
    if len(_compiled) > 500:  # a caller building statements per call: don't grow for ever
        _compiled.clear()
    _compiled[cache_key] = (statement, result)
    return result


_PARAM = re.compile(r"%\((\w+)\)s(?:::[A-Z][A-Z ]*)?")
_unnests: dict[tuple[int, str, tuple[str, ...]], tuple[UpdateBase, _Compiled | None]] = {}


def _as_unnest(statement: UpdateBase, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled | None:
    """PostgreSQL: `INSERT ... VALUES (%(a)s, ...) [ON CONFLICT ...]` rewritten as
    `INSERT ... SELECT u.a, ... FROM unnest(%(a)s::T[], ...) AS u(a, ...) [ON CONFLICT ...]`,
    one statement for all rows, where an executemany runs the statement once per row (the
    push's visit bitmap upserts: ~40 ms -> a few ms for 50 outcomes). None for other statements.
    """
    cache_key = (id(statement), dialect.name, keys)
    if cache_key in _unnests:
        return _unnests[cache_key][1]
    result = None
    if isinstance(statement, Insert) and statement.select is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        head, found, rest = str(compiled).partition(" VALUES (")
        values, _, tail = rest.partition(")")
        if found and "(" not in values:
            picked, arrays = [], []
            for item in values.split(", "):
                param = _PARAM.fullmatch(item)
                if param is None:
                    picked.append(item)  # a literal (e.g. a 0 for the words not bound)
                    continue
                name = param.group(1)
                type_ = compiled.binds[name].type
                array = dialect.type_compiler_instance.process(type_.dialect_impl(dialect))
                picked.append(f"u.{name}")
                arrays.append((name, array, type_._cached_bind_processor(dialect)))
            unnest = ", ".join(f"%({name})s::{array}[]" for name, array, _ in arrays)
            aliases = ", ".join(name for name, _, _ in arrays)
            sql = f"{head} SELECT {', '.join(picked)} FROM unnest({unnest}) AS u({aliases}){tail}"
            names = tuple(name for name, _, _ in arrays)
            result = _Compiled(sql, names, tuple(process for _, _, process in arrays))
    if len(_unnests) > 500:
        _unnests.clear()
    _unnests[cache_key] = (statement, result)
    return result


def execute_rows(
    session: Session,
    statement: UpdateBase,
    rows: Sequence[Any],
    columns: Sequence[str] | None = None,
) -> None:
    """`session.execute(statement, rows)`, an executemany of `statement` built once by the
    caller. Rows are mappings with the same keys, or tuples in the order of `columns`
    (cheaper to build for many rows)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        if columns is not None:
            rows = [dict(zip(columns, row, strict=True)) for row in rows]
        arrays = _as_unnest(statement, connection.dialect, tuple(rows[0]))
        if arrays is None:
            session.execute(statement, list(rows))
            return
        params = {}
        for name, process in zip(arrays.names, arrays.processors, strict=True):
            column = [row[name] for row in rows]
            params[name] = [v if process is None or v is None else process(v) for v in column]
        connection.exec_driver_sql(arrays.sql, params)
        return
    keys = tuple(columns) if columns is not None else tuple(rows[0])
    plan = _compile(statement, connection.dialect, keys)
    at: Sequence[Any] = [keys.index(n) for n in plan.names] if columns else plan.names
    convert = [(i, p) for i, p in enumerate(plan.processors) if p is not None]
    values = []
    for row in rows:
        value = [row[key] for key in at]
        for i, process in convert:
            if value[i] is not None:
                value[i] = process(value[i])
        values.append(value)
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(plan.sql, values)
    except dbapi.Error as error:  # the same exceptions as through SQLAlchemy
        raise DBAPIError.instance(plan.sql, None, error, dbapi.Error) from error
    finally:
        cursor.close()
