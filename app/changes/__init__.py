"""The change log below every feature: what changed for which rep (`log.py`: the sync clock,
`record_change`, pruning) and the notices that tell open apps about it (`notices.py`).

It imports no feature, so every feature can record its changes in its own transaction.
"""
