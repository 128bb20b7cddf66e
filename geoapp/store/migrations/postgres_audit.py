"""The audit triggers of ``store.audit`` written for PostgreSQL (PL/pgSQL functions; the
SQLite ones are in ``store.audit``): dataset state changes recorded in the same
transaction, and audit rows append-only. Same actions, actors and details as on SQLite."""

from __future__ import annotations

_DATASET_STATE = """
CREATE OR REPLACE FUNCTION geoapp_audit_dataset_state() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  who text;
  details json;
  w_id integer;
  w_version integer;
  w_user text;
BEGIN
  IF OLD.state IS NOT DISTINCT FROM NEW.state
     OR (OLD.state = 'staged' AND NEW.state = 'deleted') THEN
    RETURN NULL;
  END IF;
  who := CASE WHEN NEW.state = 'deleted' THEN NEW.deleted_by
              WHEN OLD.state = 'staged' THEN NEW.imported_by END;
  IF OLD.state = 'staged' AND NEW.state = 'archived' THEN
    SELECT id, version, imported_by INTO w_id, w_version, w_user FROM datasets
      WHERE program = NEW.program AND state = 'active' LIMIT 1;
    details := json_build_object('from', OLD.state, 'to', NEW.state, 'version', NEW.version,
      'rows', NEW.row_count, 'source', NEW.source_name, 'superseded_by_version', w_version,
      'superseded_by_id', w_id, 'superseded_by_user', w_user);
  ELSE
    details := json_build_object('from', OLD.state, 'to', NEW.state, 'version', NEW.version,
      'rows', NEW.row_count, 'source', NEW.source_name);
  END IF;
  INSERT INTO audit_events (at, actor, actor_pending, action, target, dataset_id, program,
                            details_json)
  VALUES (now(), who, who IS NULL, CASE
            WHEN OLD.state = 'staged' AND NEW.state = 'active' THEN 'dataset.import'
            WHEN OLD.state = 'staged' AND NEW.state = 'archived' THEN 'dataset.superseded'
            WHEN OLD.state = 'archived' AND NEW.state = 'active' THEN 'dataset.rollback'
            WHEN NEW.state = 'archived' THEN 'dataset.archive'
            WHEN NEW.state = 'deleted' THEN 'dataset.delete'
            ELSE 'dataset.state' END,
          substr(NEW.title, 1, 300), NEW.id, NEW.program, details::text);
  RETURN NULL;
END $$
"""

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION geoapp_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NOT OLD.actor_pending THEN
    RAISE EXCEPTION 'audit events are append-only';
  END IF;
  RETURN NEW;
END $$
"""


def audit_trigger_ddl() -> list[str]:
    """The statements that (re)create the PostgreSQL audit triggers; idempotent."""
    return [
        _DATASET_STATE,
        "DROP TRIGGER IF EXISTS audit_dataset_state ON datasets",
        "CREATE TRIGGER audit_dataset_state AFTER UPDATE OF state ON datasets "
        "FOR EACH ROW EXECUTE FUNCTION geoapp_audit_dataset_state()",
        _APPEND_ONLY,
        "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION geoapp_audit_append_only()",
    ]


DROP = [
    "DROP TRIGGER IF EXISTS audit_dataset_state ON datasets",
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS geoapp_audit_dataset_state()",
    "DROP FUNCTION IF EXISTS geoapp_audit_append_only()",
]
