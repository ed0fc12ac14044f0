"""Webhooks for the CRM: signed JSON events from a durable outbox.

Importing the package registers the outcome listener (once), which turns logged and retracted
outcomes into events in the sync push's own transaction.
"""

from app.outcomes.service import OUTCOME_BATCH_LISTENERS
from app.webhooks.events import on_outcomes

if on_outcomes not in OUTCOME_BATCH_LISTENERS:
    OUTCOME_BATCH_LISTENERS.append(on_outcomes)
