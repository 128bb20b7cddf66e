"""PostGIS tables: boundary sets and layer features with GiST-indexed geometries.

A no-op on SQLite and on a PostgreSQL without the PostGIS extension (geoapp then keeps
its spatial work in Python). The tables are in ``geoapp.store.postgis.tables``.

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from geoapp.store.postgis import has_postgis
    from geoapp.store.postgis.tables import metadata

    bind = op.get_bind()
    if has_postgis(bind):
        metadata.create_all(bind, checkfirst=True)


def downgrade() -> None:
    from geoapp.store.postgis import has_postgis
    from geoapp.store.postgis.tables import metadata

    bind = op.get_bind()
    if has_postgis(bind):
        metadata.drop_all(bind, checkfirst=True)
