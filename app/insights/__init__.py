"""Field insights: aggregates kept in step with outcomes, and the API that reads them.

Importing the package registers the rollup as a batch outcome listener (once).
"""

from app.insights.rollup import on_outcomes
from app.outcomes.service import OUTCOME_BATCH_LISTENERS

if on_outcomes not in OUTCOME_BATCH_LISTENERS:
    OUTCOME_BATCH_LISTENERS.append(on_outcomes)
