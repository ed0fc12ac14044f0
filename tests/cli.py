"""Running the `strang` command line against a test's database."""

from click.testing import Result
from typer.testing import CliRunner

from app.cli import cli
from app.core.settings import Settings


def strang(settings: Settings, *args: str) -> Result:
    """`strang ARGS...` with the test's database and data folder."""
    env = {
        "STRANG_DATABASE_URL": settings.database_url,
        "STRANG_DATA_DIR": str(settings.data_dir),
        "STRANG_ENVIRONMENT": "test",
    }
    return CliRunner().invoke(cli, list(args), env=env)
