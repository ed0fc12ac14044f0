"""Request-scoped plumbing shared by every feature: the settings object."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.settings import Settings


async def get_settings(request: Request) -> Settings:
    # async: FastAPI runs a plain `def` dependency on a worker thread, a hand-off (about a
    # third of a millisecond of CPU) for reading an attribute
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
