"""Field insights: aggregates kept in step with outcomes, and the API that reads them.

Importing the package registers the rollup as an outcome listener (once).
"""

from app.insights.rollup import on_outcome
from app.outcomes.service import OUTCOME_LISTENERS

if on_outcome not in OUTCOME_LISTENERS:
    OUTCOME_LISTENERS.append(on_outcome)
