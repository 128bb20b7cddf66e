"""Models of the state every app server shares (issue #10, the stateless app tier):
uploads in progress, user aliases, rate-limit counters and generated app settings such as
the secret key. Nothing a request needs lives on one server's disk or memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from geoapp.store.models import Base, utcnow


class Upload(Base):
    """One upload in progress: the file's bytes, its state (JSON of ``UploadState``: read
    options, review decisions), the kept preview pages and the confirm claim."""

    __tablename__ = "uploads"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    state_json: Mapped[str] = mapped_column(Text, default="{}")
    views_json: Mapped[str] = mapped_column(Text, default="[]")
    updated: Mapped[float] = mapped_column(Float, default=0.0, index=True)  # epoch seconds
    claimed: Mapped[float] = mapped_column(Float, default=0.0)  # confirm running since (0: no)


class UserAlias(Base):
    """A user-confirmed spelling of a kelurahan name (``matching.aliases.AliasStore`` row);
    one per spelling key and kecamatan key (a later alias of the same spelling replaces it)."""

    __tablename__ = "user_aliases"
    __table_args__ = (UniqueConstraint("alias_key", "kecamatan_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    kecamatan: Mapped[str] = mapped_column(String(200), default="")
    kode: Mapped[str] = mapped_column(String(32))
    alias_key: Mapped[str] = mapped_column(String(200))
    kecamatan_key: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RateCounter(Base):
    """A fixed-window rate-limit counter (``store.rate_limits``); ``expires`` in epoch seconds."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires: Mapped[float] = mapped_column(Float, default=0.0, index=True)


class AppSetting(Base):
    """A value the app makes once and every server reads (the generated secret key)."""

    __tablename__ = "app_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
