"""ASGI entry point for uvicorn workers: builds the app from the environment."""

from app.main import create_app

app = create_app()
