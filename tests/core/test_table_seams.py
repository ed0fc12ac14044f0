"""Features below another read (or write) its table by name and columns, so they need not
import it (`app/campaigns/holders.py`, `app/webhooks/events.py`, ...). Each such table must
name real columns of the real table, with the same types, or those statements would fail or
bind values differently."""

import importlib
import pkgutil

from sqlalchemy import Table
from sqlalchemy.sql.expression import TableClause
from sqlmodel import AutoString, SQLModel

import app
import app.models  # every table in the metadata


def _seams() -> list[tuple[str, TableClause]]:
    found = []
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if info.name in ("app.__main__", "app.asgi"):  # they run the app on import
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, TableClause) and not isinstance(value, Table):
                found.append((f"{info.name}.{name}", value))
    return found


def test_tables_read_by_name_match_the_real_tables() -> None:
    seams = _seams()
    assert any(name.startswith("app.campaigns.holders.") for name, _ in seams)
    for name, seam in seams:
        real = SQLModel.metadata.tables[seam.name]
        for column in seam.columns:
            assert column.name in real.c, f"{name}: {seam.name}.{column.name} does not exist"
            real_type = real.c[column.name].type  # the seam's type, or a kind of it
            if isinstance(real_type, AutoString):  # SQLModel's str columns: a String
                real_type = real_type.impl_instance
            assert isinstance(real_type, type(column.type)), f"{name}: {seam.name}.{column.name}"
