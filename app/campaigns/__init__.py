"""Campaigns: what marketing publishes, and to whom.

Importing the package registers the campaigns' audience listener with auth (once).
"""

from app.auth.service import AUDIENCE_LISTENERS
from app.campaigns.service import audience_changed

if audience_changed not in AUDIENCE_LISTENERS:
    AUDIENCE_LISTENERS.append(audience_changed)
