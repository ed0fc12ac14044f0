import pytest
from sqlmodel import Session

from tests.sync.helpers import Content


@pytest.fixture
def content(db: Session) -> Content:
    return Content(db)
