"""The audit trail: hash-chained, append-only, verified by ``manage.py verify_audit``."""

import threading
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tests.conftest import api_client
from tracker import audit, services
from tracker.audit import verify_chain
from tracker.models import AppendOnlyError, AuditChainHead, AuditEvent


def _some_events(world):
    services.plan_task(task=world.task, by=world.supervisor, plan={"needs_sign_off": True})
    services.receive_assignment(assignment=world.lead, by=world.staff)
    services.receive_assignment(assignment=world.support, by=world.co_staff)


def test_each_event_carries_the_previous_hash_and_the_chain_verifies(world):
    _some_events(world)
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 4
    assert all(b.prev_hash == a.hash for a, b in pairwise(events))
    assert AuditChainHead.objects.get().last_hash == events[-1].hash
    assert verify_chain() == []
    call_command("verify_audit")


@pytest.mark.parametrize("tamper", ["edit", "delete-middle", "delete-last"])
def test_verify_audit_detects_an_edited_or_deleted_row(world, tamper):
    _some_events(world)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:  # behind the model's back, as an intruder would
        if connection.vendor == "postgresql":  # an intruder with the owner's rights, too
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        if tamper == "edit":
            cursor.execute(f"UPDATE {table} SET action = 'report.accepted' WHERE id = %s", [ids[1]])
        elif tamper == "delete-middle":
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [ids[1]])
        else:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [ids[-1]])
    assert verify_chain()
    with pytest.raises(CommandError, match="audit trail broken"):
        call_command("verify_audit")


def test_the_model_refuses_changes_and_deletes(world):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify_chain() == []


def test_the_admin_shows_events_but_cannot_change_or_delete_them(world, client):
    client.force_login(world.admin)
    event = AuditEvent.objects.first()
    assert client.get("/admin/tracker/auditevent/").status_code == 200
    assert client.get(f"/admin/tracker/auditevent/{event.pk}/delete/").status_code == 403
    response = client.post(f"/admin/tracker/auditevent/{event.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_has_no_way_to_change_an_event(world, method):
    event = AuditEvent.objects.first()
    response = getattr(api_client(world.admin), method)(f"/api/v1/audit-events/{event.pk}/", {})
    assert response.status_code == 405
    assert verify_chain() == []


def test_supervisors_read_the_trail_per_object_and_per_unit(world):
    _some_events(world)
    client = api_client(world.supervisor)
    response = client.get(
        "/api/v1/audit-events/",
        {"object_type": "tracker.assignment", "object_id": world.lead.pk},
    )
    assert [e["action"] for e in response.json()["results"]] == ["assignment.received"]
    response = client.get("/api/v1/audit-events/", {"unit": world.support_unit.pk})
    assert {e["object_id"] for e in response.json()["results"]} == {str(world.support.pk)}
    response = api_client(world.other_supervisor).get("/api/v1/audit-events/")
    assert response.json()["count"] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_appends_keep_one_unbroken_chain(registry):
    from tests.conftest import make_world

    world = make_world()
    errors = []

    def append(n):
        try:
            for _ in range(10):
                with transaction.atomic():
                    audit.record(action=f"test.thread{n}", obj=world.task)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.filter(action__startswith="test.thread").count() == 40
    assert verify_chain() == []
