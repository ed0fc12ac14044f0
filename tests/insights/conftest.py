import pytest
from sqlmodel import Session

from tests.insights.helpers import World


@pytest.fixture
def world(db: Session) -> World:
    return World(db)
