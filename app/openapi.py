"""Prints the service's OpenAPI schema (the source of the PWA's generated types)."""

import json
import sys
import tempfile
from pathlib import Path

from app.core.settings import Settings
from app.main import create_app


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(_env_file=None, data_dir=Path(folder)))
        json.dump(app.openapi(), sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        app.state.engine.dispose()


if __name__ == "__main__":
    main()
