"""single sign-on: OpenID Connect logins in progress (state, nonce, PKCE verifier; single use)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.core.types
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UtcDateTime = app.core.types.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "sso_login",
        sa.Column("state_hash", AutoString(length=64), nullable=False),
        sa.Column("browser_hash", AutoString(length=64), nullable=False),
        sa.Column("nonce", AutoString(length=100), nullable=False),
        sa.Column("code_verifier", AutoString(length=128), nullable=False),
        sa.Column("next_path", AutoString(length=500), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_sso_login")),
    )
    op.create_index(op.f("ix_sso_login_expires_at"), "sso_login", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sso_login_expires_at"), table_name="sso_login")
    op.drop_table("sso_login")
