"""Make the audit trail append-only in PostgreSQL itself, not only in Python.

A trigger refuses every UPDATE and DELETE of an audit event row, and TRUNCATE of the table,
whoever sends them (a raw SQL statement, a shell, another program using the same role). Emptying
the table is allowed only together with its chain head in one statement: that is a reset of the
whole database (`manage.py flush`, which the test runner uses between transactional tests), after
which the chain is empty and consistent, never a silent cut. SQLite has no such triggers; there
the model's own refusals (AppendOnlyError) are the guard. DROP TABLE (pg_restore --clean) is not
affected. A later data migration that must rewrite audit rows has to disable the trigger
explicitly (ALTER TABLE … DISABLE TRIGGER), which is itself visible in the migration.
"""

from django.db import migrations

# Plain strings (the names are fixed): tracker_audit_append_only() is the function,
# tracker_auditevent_append_only and tracker_auditevent_no_truncate the triggers.
CREATE = """
CREATE OR REPLACE FUNCTION tracker_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TRUNCATE takes its ACCESS EXCLUSIVE locks on every listed table before the triggers
    -- fire: holding one on the chain head means the head is emptied in the same statement.
    IF TG_OP = 'TRUNCATE' AND EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'relation' AND pid = pg_backend_pid() AND granted
          AND mode = 'AccessExclusiveLock'
          AND relation = to_regclass('tracker_auditchainhead')
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % of % refused', TG_OP, TG_TABLE_NAME
        USING HINT = 'Audit events are never changed or deleted (AUDIT_RETENTION_DAYS).';
END;
$$;
CREATE TRIGGER tracker_auditevent_append_only
    BEFORE UPDATE OR DELETE ON tracker_auditevent
    FOR EACH ROW EXECUTE FUNCTION tracker_audit_append_only();
CREATE TRIGGER tracker_auditevent_no_truncate
    BEFORE TRUNCATE ON tracker_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION tracker_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS tracker_auditevent_no_truncate ON tracker_auditevent;
DROP TRIGGER IF EXISTS tracker_auditevent_append_only ON tracker_auditevent;
DROP FUNCTION IF EXISTS tracker_audit_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # no placeholders: keep the % of RAISE


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_assignment_report_counters")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
