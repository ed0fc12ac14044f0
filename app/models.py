"""Every feature's tables, imported explicitly so Alembic sees them all.

A broken import here fails loudly; add one line per feature.
"""

from sqlmodel import SQLModel

import app.audit.models
import app.auth.models
import app.auth.sso_models
import app.calendar.models
import app.campaigns.models
import app.changes.log
import app.collateral.history
import app.collateral.models
import app.core.types
import app.insights.models
import app.leads.models
import app.outcomes.models
import app.push.models
import app.shares.models
import app.signals.models
import app.sync.models
import app.webhooks.models  # noqa: F401

metadata = SQLModel.metadata
