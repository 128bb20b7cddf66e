"""SQLAlchemy ORM models: users, dataset versions and their rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from geoapp.core.programs import PROGRAMS as PROGRAM_REGISTRY

PROGRAMS = tuple(PROGRAM_REGISTRY)  # program keys, from the one registry (core.programs)
STATES = ("staged", "active", "archived", "deleted")
VISIBLE_STATES = ("active", "archived")
ROLES = ("planner", "admin")


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="planner")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Dataset(Base):
    """One imported version of one program's records."""

    __tablename__ = "datasets"
    __table_args__ = (
        UniqueConstraint("program", "version", name="uq_program_version"),
        # At most one active version per program, enforced by the database.
        Index(
            "uq_one_active_per_program", "program", unique=True,
            sqlite_where=text("state = 'active'"), postgresql_where=text("state = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="staged", index=True)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_by: Mapped[str | None] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(String(64))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id"))
    source_name: Mapped[str] = mapped_column(String(255), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    matched_count: Mapped[int] = mapped_column(Integer, default=0)
    review_count: Mapped[int] = mapped_column(Integer, default=0)
    unmatched_count: Mapped[int] = mapped_column(Integer, default=0)
    excluded_count: Mapped[int] = mapped_column(Integer, default=0)
    total_row_count: Mapped[int] = mapped_column(Integer, default=0)
    headers_json: Mapped[str] = mapped_column(Text, default="[]")
    measures_json: Mapped[str] = mapped_column(Text, default="[]")
    # Where each role's cells and each measure are (core.programs.ColumnMap), found once
    # when the version is staged; "" in databases written before the column existed.
    columns_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    ledger_json: Mapped[str] = mapped_column(Text, default="{}")
    report_json: Mapped[str] = mapped_column(Text, default="{}")

    rows: Mapped[list[DatasetRow]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", passive_deletes=True,
        order_by="DatasetRow.position",
    )


class DatasetRow(Base):
    """One input row of a dataset version, with its match outcome."""

    __tablename__ = "dataset_rows"
    __table_args__ = (
        UniqueConstraint("dataset_id", "position", name="uq_dataset_position"),
        Index("ix_rows_dataset_kode", "dataset_id", "kode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    source_row: Mapped[int | None] = mapped_column(Integer)
    cells_json: Mapped[str] = mapped_column(Text, default="[]")
    kode: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    method: Mapped[str] = mapped_column(String(12), default="")
    score: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    suggestions_json: Mapped[str] = mapped_column(Text, default="[]")
    measures_json: Mapped[str] = mapped_column(Text, default="{}")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    is_total: Mapped[bool] = mapped_column(Boolean, default=False)
    # The row's year (its year cell, else the year chosen at upload; None: unknown), see
    # ``geoapp.store.years``. An upload replaces only the years it holds.
    year: Mapped[str | None] = mapped_column(String(16), index=True)

    dataset: Mapped[Dataset] = relationship(back_populates="rows")


class StoreGeneration(Base):
    """One row (id 1), bumped by triggers whenever the active versions or their rows change
    (see ``geoapp.store.active``); ``nonce`` is renewed on every bump."""

    __tablename__ = "store_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    nonce: Mapped[str] = mapped_column(String(32), default="")


class AuditEvent(Base):
    """One recorded change: who did what to which dataset/user/alias, and when.

    Dataset state changes are written by database triggers (``geoapp.store.audit``) in the
    same transaction as the change; ``actor_pending`` marks rows whose actor the
    committing session fills in. Rows are append-only (triggers refuse edits).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    actor_pending: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    dataset_id: Mapped[int | None] = mapped_column(Integer)
    program: Mapped[str | None] = mapped_column(String(16))
    details_json: Mapped[str] = mapped_column(Text, default="{}")


class AccountState(Base):
    """Per-user account flags kept beside ``users`` (disabled accounts cannot log in)."""

    __tablename__ = "account_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(64))


class SessionEpoch(Base):
    """Per-user session version: a login session is valid only while the version it was
    issued with is current. Logout, a password change and disabling the account bump it,
    which ends every session of that user in every worker process (see ``store.sessions``)."""

    __tablename__ = "session_epochs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)


class LoginThrottle(Base):
    """Failed logins per attempted username (also unknown ones), for the per-account lockout.

    ``key`` is a SHA-256 of the case-folded username, so mistyped names (or passwords typed
    into the username field) are not stored readable. Times are seconds since the epoch (UTC).
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[float] = mapped_column(Float, default=0.0)
    last_failure: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
