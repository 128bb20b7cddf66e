"""Alembic revisions of the geoapp schema (one file per revision, oldest first)."""
