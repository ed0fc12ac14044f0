"""Campaigns: what marketing publishes, and to whom.

`service.audience_changed` hears of a rep's region/team change (registered in
app/listeners.py).
"""
