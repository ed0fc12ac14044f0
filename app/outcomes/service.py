"""Outcome codes and outcomes: the rules, and the seam for aggregates.

`OUTCOME_LISTENERS` is how other features (insights) keep derived data in step with outcomes
without this package importing them: each listener is called in the writing transaction with
`(session, outcome, +1)` after an outcome is stored, and `(session, outcome, -1)` after a stored
outcome is retracted. An outcome that arrives already retracted (its Undo came first) is stored
without any call. Listeners must not commit; an exception rolls the whole push back.
"""

from collections.abc import Callable

from sqlmodel import Session

from app.outcomes.models import Outcome

OutcomeListener = Callable[[Session, Outcome, int], None]
OUTCOME_LISTENERS: list[OutcomeListener] = []


def notify_listeners(session: Session, outcome: Outcome, sign: int) -> None:
    for listener in OUTCOME_LISTENERS:
        listener(session, outcome, sign)
