"""Each dataset row carries its year (an upload replaces only the years it holds).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("dataset_rows")}
    if "year" not in columns:   # a database adopted from before migrations may have it
        op.add_column("dataset_rows", sa.Column("year", sa.String(16), nullable=True))
        op.create_index("ix_dataset_rows_year", "dataset_rows", ["year"])


def downgrade() -> None:
    op.drop_index("ix_dataset_rows_year", table_name="dataset_rows")
    op.drop_column("dataset_rows", "year")
