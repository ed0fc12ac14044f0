from tests.sync.conftest import content

__all__ = ["content"]
