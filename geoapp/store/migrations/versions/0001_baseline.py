"""Baseline: the schema of geoapp 0.1 (what ``init_db`` made before migrations existed),
with the generation row and its triggers, and the audit triggers.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from geoapp.store.active import generation_ddl
from geoapp.store.audit import sqlite_trigger_ddl
from geoapp.store.migrations import postgres_audit

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE_ONLY = sa.text("state = 'active'")


def upgrade() -> None:
    _accounts()
    _datasets()
    _dataset_rows()
    _audit_and_generation()
    dialect = op.get_bind().dialect.name
    statements = generation_ddl(dialect)
    statements += (sqlite_trigger_ddl() if dialect == "sqlite"
                   else postgres_audit.audit_trigger_ddl())
    for sql in statements:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in postgres_audit.DROP:
            op.execute(sql)
        for table in ("datasets", "dataset_rows"):
            op.execute(f"DROP TRIGGER IF EXISTS generation_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS geoapp_generation_{table}()")
    for table in ("session_epochs", "account_states", "dataset_rows", "store_generation",
                  "login_throttles", "audit_events", "datasets", "users"):
        op.drop_table(table)


def _accounts() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"))
    op.create_table(
        "account_states",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"))
    op.create_table(
        "session_epochs",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"))
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("last_failure", sa.Float(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"))
    op.create_index("ix_login_throttles_last_failure", "login_throttles", ["last_failure"])


def _datasets() -> None:
    texts = ("headers_json", "measures_json")
    counts = ("row_count", "matched_count", "review_count", "unmatched_count",
              "excluded_count", "total_row_count")
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        *(sa.Column(name, sa.Text(), nullable=False) for name in texts),
        sa.Column("columns_json", sa.Text(), server_default="", nullable=False),
        sa.Column("ledger_json", sa.Text(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["previous_id"], ["datasets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program", "version", name="uq_program_version"))
    op.create_index("ix_datasets_program", "datasets", ["program"])
    op.create_index("ix_datasets_state", "datasets", ["state"])
    op.create_index("uq_one_active_per_program", "datasets", ["program"], unique=True,
                    sqlite_where=ACTIVE_ONLY, postgresql_where=ACTIVE_ONLY)


def _dataset_rows() -> None:
    op.create_table(
        "dataset_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("cells_json", sa.Text(), nullable=False),
        sa.Column("kode", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("suggestions_json", sa.Text(), nullable=False),
        sa.Column("measures_json", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("is_total", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dataset_id", "position", name="uq_dataset_position"))
    op.create_index("ix_rows_dataset_kode", "dataset_rows", ["dataset_id", "kode"])


def _audit_and_generation() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("actor_pending", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=True),
        sa.Column("program", sa.String(length=16), nullable=True),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    for column in ("action", "actor_pending", "at"):
        op.create_index(f"ix_audit_events_{column}", "audit_events", [column])
    op.create_table(
        "store_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"))
