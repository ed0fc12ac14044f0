"""Field insights: aggregates kept in step with outcomes, and the API that reads them.

Importing the package registers the backlog as a batch outcome listener (once); the roller
(app/insights/roller.py) turns the backlog into the aggregates.
"""

from app.insights.roller import queue_outcomes
from app.outcomes.service import OUTCOME_BATCH_LISTENERS

if queue_outcomes not in OUTCOME_BATCH_LISTENERS:
    OUTCOME_BATCH_LISTENERS.append(queue_outcomes)
