"""Webhooks for the CRM: signed JSON events from a durable outbox.

`events.on_outcomes` turns logged and retracted outcomes into events in the sync push's own
transaction (registered in app/listeners.py).
"""
