from alembic import context
from sqlalchemy import Connection

from app.core.db import make_engine
from app.core.settings import Settings
from app.models import metadata

config = context.config
settings: Settings = config.attributes.get("settings") or Settings()


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=settings.database_url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
    else:
        engine = make_engine(settings)
        with engine.connect() as conn:
            run(conn)
        engine.dispose()
