"""ASGI entry point for uvicorn workers: builds the app from the environment."""

from app.core.observability import configure_logging
from app.core.settings import Settings
from app.main import create_app

settings = Settings()
configure_logging(settings)
app = create_app(settings, serving=True)
