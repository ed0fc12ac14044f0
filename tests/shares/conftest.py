import pytest
from sqlmodel import Session

from app.core.settings import Settings
from tests.factories import Factory
from tests.shares.helpers import Scene, scene


@pytest.fixture
def world(db: Session, settings: Settings, factory: Factory) -> Scene:
    return scene(db, settings, factory)
