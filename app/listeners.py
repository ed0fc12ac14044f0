"""Who hears of whose writes: one feature's listeners on another's changes.

Registered here, explicitly, by the app factory and the CLI, never as a side effect of
importing a package: the feature that writes calls its listener list in the writing
transaction, and knows nothing of who is on it.
"""

from collections.abc import Callable
from typing import Any

from app.auth.service import AUDIENCE_LISTENERS
from app.campaigns.service import audience_changed
from app.insights.roller import queue_outcomes
from app.outcomes.service import OUTCOME_BATCH_LISTENERS
from app.webhooks.events import on_outcomes


def register_listeners() -> None:
    """Put every listener on its list once (calling it again changes nothing)."""
    _add(AUDIENCE_LISTENERS, audience_changed)  # a rep's new region/team: campaigns re-checked
    _add(OUTCOME_BATCH_LISTENERS, queue_outcomes)  # insights: the roller's backlog
    _add(OUTCOME_BATCH_LISTENERS, on_outcomes)  # webhooks: outcome events for the CRM


def _add(listeners: list[Any], listener: Callable[..., None]) -> None:
    if listener not in listeners:
        listeners.append(listener)
