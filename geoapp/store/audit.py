"""The audit log (who changed which dataset, user or alias, and when) and audited account changes.

Dataset state changes (import/confirm, rollback, archive, delete, and a confirmed version
superseded by a newer one: ``dataset.superseded``) are recorded by triggers on
``datasets`` (SQLite here; PostgreSQL in ``store.migrations.postgres_audit``): the event
row is written in the SAME transaction as the change, whatever code path made it (web,
API, CLI). The trigger knows the importer/deleter from
the row itself; otherwise it marks the event ``actor_pending`` and the committing session
fills in ``session.info["actor"]`` just before its commit (``claim_pending``). That hook is
registered on the store's session factory (``session_factory`` calls ``watch_commits``),
so only geoapp's own sessions run it; every session of geoapp comes from that factory.

Account changes and alias additions are recorded by the functions below, in the same
commit as the change. Audit rows are append-only: triggers refuse edits and deletes.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store import jsonsafe
from geoapp.store.models import AccountState, AuditEvent, Base, User, utcnow
from geoapp.store.password_policy import check_password
from geoapp.store.sessions import bump_epoch
from geoapp.store.users import find_user, set_password

ACTOR_KEY = "actor"          # session.info key: the username making the changes
PER_PAGE = 50
MAX_PER_PAGE = 200

ACTIONS = (
    "dataset.import", "dataset.rollback", "dataset.archive", "dataset.delete", "dataset.state",
    "dataset.title", "dataset.superseded", "dataset.reopen", "user.create", "user.password", "user.disable", "user.enable", "alias.add",
)

USER_EXISTS = Msg(
    "audit.user_exists",
    "The username '{username}' is taken. Choose another name, or reset that user's password.",
)
USER_NOT_FOUND = Msg("audit.user_not_found", "User number {user_id} was not found.")
SELF_DISABLE = Msg(
    "audit.self_disable",
    "You cannot disable your own account. Ask another admin to do it.",
)
BAD_PAGE = Msg(
    "audit.bad_page",
    "Parameter 'page' must be a page number of 1 or more; received '{value}'.",
)

# ---------------------------------------------------------------- triggers (same transaction)

# A staged version archived without ever being active was superseded by a newer active
# one (``lifecycle.activate``): 'dataset.superseded', naming that version and its importer.
_DATASET_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS audit_dataset_state_v2
AFTER UPDATE OF state ON datasets
WHEN OLD.state IS NOT NEW.state AND NOT (OLD.state = 'staged' AND NEW.state = 'deleted')
BEGIN
  INSERT INTO audit_events (at, actor, actor_pending, action, target, dataset_id, program,
                            details_json)
  SELECT strftime('%Y-%m-%d %H:%M:%S', 'now'), who, who IS NULL,
    CASE
      WHEN OLD.state = 'staged' AND NEW.state = 'active' THEN 'dataset.import'
      WHEN OLD.state = 'staged' AND NEW.state = 'archived' THEN 'dataset.superseded'
      WHEN OLD.state = 'archived' AND NEW.state = 'active' THEN 'dataset.rollback'
      WHEN NEW.state = 'archived' THEN 'dataset.archive'
      WHEN NEW.state = 'deleted' THEN 'dataset.delete'
      ELSE 'dataset.state' END,
    substr(NEW.title, 1, 300), NEW.id, NEW.program,
    CASE WHEN OLD.state = 'staged' AND NEW.state = 'archived' THEN
      json_object('from', OLD.state, 'to', NEW.state, 'version', NEW.version,
                  'rows', NEW.row_count, 'source', NEW.source_name,
                  'superseded_by_version', winner.version, 'superseded_by_id', winner.id,
                  'superseded_by_user', winner.imported_by)
    ELSE
      json_object('from', OLD.state, 'to', NEW.state, 'version', NEW.version,
                  'rows', NEW.row_count, 'source', NEW.source_name)
    END
  FROM (SELECT CASE
      WHEN NEW.state = 'deleted' THEN NEW.deleted_by
      WHEN OLD.state = 'staged' THEN NEW.imported_by END AS who)
  LEFT JOIN (SELECT id, version, imported_by FROM datasets
             WHERE program = NEW.program AND state = 'active') AS winner ON 1;
END
"""
# Older databases have the first version of the trigger (no 'dataset.superseded'): the
# new one is created first, then the old one dropped, so no state change goes unaudited.
_OLD_TRIGGERS = ("audit_dataset_state",)
_NO_DELETE = """
CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
"""
_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
WHEN OLD.actor_pending = 0
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
"""
_AUDITED: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Base.metadata, "after_create")
def _create_triggers(_metadata, connection, **_kw) -> None:
    """After ``create_all`` of geoapp's own metadata (not of every metadata): the audit
    triggers (idempotent) and remember that the engine's database has them."""
    if connection.dialect.name != "sqlite":
        return
    for sql in sqlite_trigger_ddl():
        connection.exec_driver_sql(sql)
    _AUDITED.add(connection.engine)


def sqlite_trigger_ddl() -> list[str]:
    """The SQLite audit triggers, idempotent (also run by the baseline schema migration)."""
    return [_DATASET_TRIGGER, _NO_DELETE, _NO_UPDATE] + [
        f"DROP TRIGGER IF EXISTS {name}" for name in _OLD_TRIGGERS]


def mark_audited(engine: Engine) -> None:
    """Record that ``engine``'s database has the audit triggers (PostgreSQL: made by the
    schema migrations, ``store.migrations.postgres_audit``), so commits claim its events."""
    _AUDITED.add(engine)


def watch_commits(factory: sessionmaker[Session]) -> None:
    """Let the sessions made by ``factory`` (``store.session_factory``) claim pending events
    before each commit. Registered per factory, never on the ``Session`` class: sessions of
    another factory, another app or a test are not touched."""
    if not event.contains(factory, "before_commit", claim_pending):
        event.listen(factory, "before_commit", claim_pending)


def claim_pending(session: Session) -> None:
    """Give trigger-made events of this transaction the session's actor (or none)."""
    try:
        bind = session.get_bind()
    except Exception:  # noqa: BLE001 - an unbound session has nothing of ours to claim
        return
    if getattr(bind, "engine", bind) not in _AUDITED:
        return
    pending = session.execute(
        select(AuditEvent.id).where(AuditEvent.actor_pending.is_(True)).limit(1)
    ).first()
    if pending is None:
        return
    actor = session.info.get(ACTOR_KEY)
    session.execute(
        update(AuditEvent).where(AuditEvent.actor_pending.is_(True))
        .values(actor=None if actor is None else str(actor)[:64], actor_pending=False)
    )


def set_actor(session: Session, username: str | None) -> None:
    """Name the user on whose behalf ``session`` makes changes (for trigger-made events)."""
    if username:
        session.info[ACTOR_KEY] = username
    else:
        session.info.pop(ACTOR_KEY, None)


# ---------------------------------------------------------------- recording and reading


def record(
    session: Session, action: str, *, actor: str | None, target: str = "",
    dataset_id: int | None = None, program: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to ``session`` (the caller's commit stores it with its change)."""
    event_row = AuditEvent(
        at=utcnow(), actor=actor, actor_pending=False, action=action,
        target=str(target)[:300], dataset_id=dataset_id, program=program,
        details_json=jsonsafe.dumps(details or {}),
    )
    session.add(event_row)
    return event_row


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first."""

    events: list[AuditEvent]
    page: int
    pages: int
    total: int
    per_page: int


def check_page(value: str | int | None) -> int:
    """A page number from a query parameter (1 when empty); 400 when malformed."""
    text = "" if value is None else str(value).strip()
    if not text:
        return 1
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise GeoappError(BAD_PAGE, 400, value=text[:20])
    return int(text)


def list_events(
    session: Session, *, page: int = 1, per_page: int = PER_PAGE, action: str | None = None
) -> AuditPage:
    """The audit log, newest first, one page at a time (a page past the end is empty)."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    stmt = select(AuditEvent)
    count = select(func.count(AuditEvent.id))
    if action:
        stmt, count = stmt.where(AuditEvent.action == action), count.where(AuditEvent.action == action)
    total = int(session.scalar(count) or 0)
    pages = max(1, math.ceil(total / per_page))
    rows = session.scalars(
        stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return AuditPage(list(rows), page, pages, total, per_page)


def event_details(event_row: AuditEvent) -> dict[str, Any]:
    """The event's details as a dict (empty when unreadable)."""
    value = jsonsafe.loads(event_row.details_json, {})
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------- audited account changes


@dataclass(frozen=True)
class Account:
    """A user account as plain values for listing."""

    id: int
    username: str
    role: str
    disabled: bool
    created_at: Any


def is_disabled(session: Session, user_id: int) -> bool:
    state = session.get(AccountState, user_id)
    return bool(state and state.disabled)


def list_accounts(session: Session) -> list[Account]:
    """Every account, by username, with its disabled flag."""
    disabled = set(session.scalars(
        select(AccountState.user_id).where(AccountState.disabled.is_(True))))
    users = session.scalars(select(User).order_by(User.username))
    return [Account(u.id, u.username, u.role, u.id in disabled, u.created_at) for u in users]


def _require_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise GeoappError(USER_NOT_FOUND, 404, user_id=user_id)
    return user


def _commit_with(session: Session, change) -> Any:
    """Run ``change`` (which commits) with the pending audit row; roll back on failure."""
    try:
        return change()
    except BaseException:
        session.rollback()
        raise


def save_account(session: Session, username: str, password: str, role: str, *,
                 actor: str | None) -> User:
    """Create the account or set its password and role, with its audit event, in one commit.

    The one service behind the admin pages and ``geoapp set-password``: ``user.create``
    for a new name, else ``user.password`` (details name the role when it changes).
    Validated by the password policy (``password_policy.check_password``: length, common
    passwords, patterns, the username inside) and ``set_password``; nothing is stored
    when validation fails. The new password ends the user's login sessions.
    """
    check_password(password, username)
    user = find_user(session, username)
    if user is None:
        record(session, "user.create", actor=actor, target=str(username)[:64],
               details={"role": role})
    else:
        details = {"role": role} if role != user.role else {}
        record(session, "user.password", actor=actor, target=user.username, details=details)
    return _commit_with(session, lambda: set_password(session, username, password, role))


def create_account(session: Session, username: str, password: str, role: str, *,
                   actor: str | None) -> User:
    """A new account (refused when the name exists); validated by ``set_password``."""
    name = str(username or "").strip()
    if find_user(session, name) is not None:
        raise GeoappError(USER_EXISTS, 409, username=name[:64])
    return save_account(session, name, password, role, actor=actor)


def reset_password(session: Session, user_id: int, password: str, *, actor: str | None,
                   role: str | None = None) -> User:
    """A new password (and optionally role) for an existing account."""
    user = _require_user(session, user_id)
    return save_account(session, user.username, password, role or user.role, actor=actor)


def set_disabled(session: Session, user_id: int, disabled: bool, *, actor: str | None) -> User:
    """Disable (or enable again) an account; nobody may disable themselves."""
    user = _require_user(session, user_id)
    if disabled and actor is not None and user.username == actor:
        raise GeoappError(SELF_DISABLE, 409)
    state = session.get(AccountState, user_id) or AccountState(user_id=user_id)
    state.disabled, state.changed_at, state.changed_by = bool(disabled), utcnow(), actor
    session.add(state)
    if disabled:
        bump_epoch(session, user_id)   # ends every session; enabling again revives none
    record(session, "user.disable" if disabled else "user.enable", actor=actor,
           target=user.username)
    session.commit()
    return user


# ---------------------------------------------------------------- alias additions


AliasRow = tuple[str, str, str]   # alias, kecamatan, kode


def record_alias_additions(session: Session, before: Iterable[AliasRow],
                           after: Iterable[AliasRow], *, actor: str | None) -> int:
    """Record every alias row in ``after`` that was not in ``before``; commit; return how many."""
    old = set(before)
    added = [row for row in after if row not in old]
    for alias, kecamatan, kode in added:
        record(session, "alias.add", actor=actor, target=str(alias)[:300],
               details={"kode": kode, "kecamatan": kecamatan})
    if added:
        session.commit()
    return len(added)
