"""Dataset and user storage (SQLAlchemy 2 ORM on SQLite). Framework-neutral: no Flask."""

from geoapp.store.adapter import rows_from_run
from geoapp.store.compare import compare
from geoapp.store.datasets import (
    active_dataset,
    check_program,
    get_dataset,
    list_datasets,
    require_dataset,
)
from geoapp.store.describe import details, row_dicts, summary
from geoapp.store.engine import create_engine_for, init_db, session_factory
from geoapp.store.lifecycle import activate, cleanup_staged, delete_dataset, rollback
from geoapp.store.models import PROGRAMS, ROLES, STATES, Dataset, DatasetRow, User
from geoapp.store.staged import stage_import
from geoapp.store.users import (
    authenticate,
    ensure_default_planner,
    find_user,
    get_user,
    has_role,
    set_password,
)

__all__ = [
    "PROGRAMS", "ROLES", "STATES", "Dataset", "DatasetRow", "User",
    "activate", "active_dataset", "authenticate", "check_program", "cleanup_staged",
    "compare", "create_engine_for", "delete_dataset", "details", "ensure_default_planner",
    "find_user", "get_dataset", "get_user", "has_role", "init_db", "list_datasets",
    "require_dataset", "rollback", "row_dicts", "rows_from_run", "session_factory",
    "set_password", "stage_import", "summary",
]

# Audit log and audited account changes (geoapp.store.audit).
from geoapp.store.audit import (  # noqa: E402
    Account,
    AuditPage,
    check_page,
    create_account,
    event_details,
    is_disabled,
    list_accounts,
    list_events,
    record,
    record_alias_additions,
    reset_password,
    save_account,
    set_actor,
    set_disabled,
)
from geoapp.store.models import AccountState, AuditEvent  # noqa: E402

__all__ += [
    "Account", "AccountState", "AuditEvent", "AuditPage", "check_page", "create_account",
    "event_details", "is_disabled", "list_accounts", "list_events", "record",
    "record_alias_additions", "reset_password", "save_account", "set_actor", "set_disabled",
]
