"""Field insights: aggregates kept in step with outcomes, and the API that reads them.

`roller.queue_outcomes` puts every pushed outcome on the backlog (registered in
app/listeners.py); the roller (app/insights/roller.py) turns the backlog into the aggregates.
"""
