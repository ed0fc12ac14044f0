import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, inspect

from app.core.db import table_of
from app.core.migrations import current_revision, downgrade, head_revision, upgrade
from app.core.settings import Settings
from app.insights.models import INSIGHTS_FILE_TABLES, INSIGHTS_SCHEMA
from app.leads.models import Lead
from app.models import metadata
from tests.factories import Factory


def _expected(engine: Engine) -> MetaData:
    """The models; on SQLite, the insights tables in the attached insights file."""
    if engine.dialect.name != "sqlite":
        return metadata
    expected = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        in_file = table.name in INSIGHTS_FILE_TABLES
        table.to_metadata(expected, schema=INSIGHTS_SCHEMA if in_file else None)
    return expected


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_schemas": engine.dialect.name == "sqlite"}
        context = MigrationContext.configure(conn, opts=opts)
        diffs = compare_metadata(context, _expected(engine))
    # SQLite cannot reflect expression indexes, so Alembic reports them as missing there.
    return [d for d in diffs if not (engine.dialect.name == "sqlite" and _is_expression_index(d))]


def _is_expression_index(diff: object) -> bool:
    if not isinstance(diff, tuple) or diff[0] not in ("add_index", "remove_index"):
        return False
    return any(not hasattr(expr, "name") for expr in diff[1].expressions)


def test_models_and_migrations_agree(settings: Settings, engine: Engine) -> None:
    assert current_revision(engine) == head_revision(settings)
    assert _differences(engine) == []


def test_downgrade_to_base_then_upgrade_to_head(settings: Settings, engine: Engine) -> None:
    downgrade(settings, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(settings)
    assert current_revision(engine) == head_revision(settings)
    assert _differences(engine) == []


def test_leads_stored_before_0010_get_sort_names_and_search_texts(
    settings: Settings, engine: Engine, factory: Factory
) -> None:
    rep = factory.user()
    downgrade(settings, "0009")
    row = Lead(company="Äpfel & Söhne GmbH", city="Köln", rep_id=rep.id).model_dump(
        exclude={"sort_name", "search_text", "recommendation_reasons"}  # added after 0009
    )
    columns = [sa.column(name, table_of(Lead).c[name].type) for name in row]
    with engine.begin() as conn:
        conn.execute(sa.table("lead", *columns).insert(), [row])
    upgrade(settings)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT sort_name, search_text FROM lead")).one()
    assert tuple(stored) == ("apfel & sohne gmbh", "apfel & sohne gmbh\n\nkoln\n\n\n")
