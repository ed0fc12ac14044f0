"""Request-scoped plumbing shared by every feature: the settings object."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
