"""The audit trail is append-only in PostgreSQL itself: raw SQL cannot change, delete or empty it.

Each refused statement runs in a savepoint, so the test's transaction goes on and can show the
row unchanged. The migration tracker/migrations/*_audit_append_only.py installs the trigger; on
SQLite there is none (the model's AppendOnlyError is the guard there, see test_audit.py).
"""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from tests.conftest import REPO
from tracker import services
from tracker.audit import verify_chain
from tracker.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
TABLE = AuditEvent._meta.db_table
HEAD = AuditChainHead._meta.db_table
# found by name, whatever number it has among the migrations
MIGRATION = next((REPO / "tracker" / "migrations").glob("*_audit_append_only.py")).stem
migration = importlib.import_module(f"tracker.migrations.{MIGRATION}")


@pytest.fixture
def events(world):
    """The world's events plus a plan and a receipt, oldest first."""
    services.plan_task(task=world.task, by=world.supervisor, plan={"needs_sign_off": True})
    services.receive_assignment(assignment=world.lead, by=world.staff)
    return list(AuditEvent.objects.order_by("id"))


def snapshot() -> list[tuple]:
    """Every audit row, every column, in id order."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE} ORDER BY id")
        return cursor.fetchall()


def refused(sql: str, params=None) -> str:
    """Run ``sql`` in a savepoint; it must fail. Returns the database's message."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(caught.value)


def test_a_raw_update_is_refused_and_the_row_is_unchanged(events):
    before = snapshot()
    message = refused(
        f"UPDATE {TABLE} SET action = 'report.accepted' WHERE id = %s", [events[1].pk]
    )
    assert "audit events are append-only: UPDATE" in message
    assert snapshot() == before
    assert verify_chain() == []


def test_a_raw_delete_is_refused_and_the_rows_are_unchanged(events):
    before = snapshot()
    assert "append-only: DELETE" in refused(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])
    assert "append-only: DELETE" in refused(f"DELETE FROM {TABLE}")
    assert snapshot() == before
    assert verify_chain() == []


def check_deferred_constraints() -> None:
    """Run the foreign-key checks this test's inserts deferred: PostgreSQL will not TRUNCATE a
    table with checks still pending (a committed database, as in production, has none)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_truncating_the_trail_is_refused(events):
    check_deferred_constraints()
    before = snapshot()
    assert "append-only: TRUNCATE" in refused(f"TRUNCATE {TABLE}")
    assert "append-only: TRUNCATE" in refused(f"TRUNCATE {TABLE} CASCADE")
    assert snapshot() == before


def test_a_whole_database_reset_may_empty_the_trail_with_its_chain_head(events):
    # `manage.py flush` (and the test runner between transactional tests) empties every table
    # in one TRUNCATE; the chain is then empty and consistent. Rolled back with the test.
    check_deferred_constraints()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}, {HEAD}")
        assert AuditEvent.objects.count() == 0
        assert verify_chain() == []
        transaction.set_rollback(True)
    assert len(snapshot()) == len(events)


def test_appending_still_works(world, events):
    services.receive_assignment(assignment=world.support, by=world.co_staff)
    assert AuditEvent.objects.count() == len(events) + 1
    assert verify_chain() == []


def test_deleting_a_user_the_trail_names_is_refused_and_the_trail_is_unchanged(world, events):
    # the actor column is SET_NULL in the model: clearing it would change a hashed row
    before = snapshot()
    with pytest.raises((DatabaseError, ProtectedError)), transaction.atomic():
        world.supervisor.delete()
    assert snapshot() == before
    assert verify_chain() == []


def test_the_migration_reverses_and_applies_again(events):
    # DDL is transactional in PostgreSQL: whatever happens here is rolled back with the test
    with connection.schema_editor(atomic=False) as editor:
        migration.drop_triggers(None, editor)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_name = actor_name WHERE id = %s", [events[0].pk])
        assert cursor.rowcount == 1
    with connection.schema_editor(atomic=False) as editor:
        migration.create_triggers(None, editor)
    assert "append-only: UPDATE" in refused(
        f"UPDATE {TABLE} SET actor_name = actor_name WHERE id = %s", [events[0].pk]
    )
