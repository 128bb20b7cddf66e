"""Shared state of the app servers: uploads in progress, user aliases, rate-limit counters,
app settings (the generated secret key).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("uploads", "user_aliases", "rate_counters", "app_settings")


def upgrade() -> None:
    have = set(sa.inspect(op.get_bind()).get_table_names())
    for make, name in ((_uploads, "uploads"), (_aliases, "user_aliases"),
                       (_counters, "rate_counters"), (_settings, "app_settings")):
        if name not in have:   # a database adopted from before migrations may have it
            make()


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)


def _uploads() -> None:
    op.create_table(
        "uploads",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.Column("views_json", sa.Text(), nullable=False),
        sa.Column("updated", sa.Float(), nullable=False),
        sa.Column("claimed", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("token"))
    op.create_index("ix_uploads_username", "uploads", ["username"])
    op.create_index("ix_uploads_updated", "uploads", ["updated"])


def _aliases() -> None:
    op.create_table(
        "user_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("kecamatan", sa.String(length=200), nullable=False),
        sa.Column("kode", sa.String(length=32), nullable=False),
        sa.Column("alias_key", sa.String(length=200), nullable=False),
        sa.Column("kecamatan_key", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alias_key", "kecamatan_key"))


def _counters() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"))
    op.create_index("ix_rate_counters_expires", "rate_counters", ["expires"])


def _settings() -> None:
    op.create_table(
        "app_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name"))
