"""Unit succession: 广东银保监局 became 国家金融监督管理总局广东监管局."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role, UnitKind
from accounts.models import Membership, Unit, UnitAlias, User
from accounts.services import succeed_unit
from clauses.choices import AssignmentRole
from clauses.models import Clause, PolicyDocument
from clauses.resolver import resolve_units
from tests.conftest import table_counts
from tracker.choices import Status
from tracker.errors import DomainError, NotAllowed
from tracker.models import Assignment, AuditEvent, Task

OLD_NAME = "中国银行保险监督管理委员会广东监管局"
NEW_NAME = "国家金融监督管理总局广东监管局"

LEAD, SUPPORT = AssignmentRole.LEAD, AssignmentRole.SUPPORT


@pytest.fixture
def old(guangzhou):
    return Unit.objects.get(jurisdiction=guangzhou, name=OLD_NAME)


@pytest.fixture
def successor(guangzhou):
    unit = Unit.objects.create(
        jurisdiction=guangzhou,
        name=NEW_NAME,
        short_name="广东金融监管局",
        kind=UnitKind.CENTRAL_BRANCH,
    )
    UnitAlias.objects.create(unit=unit, name=NEW_NAME)
    UnitAlias.objects.create(unit=unit, name="广东金融监管局")
    return unit


@pytest.fixture
def document(guangzhou):
    return PolicyDocument.objects.create(
        jurisdiction=guangzhou,
        lineage=uuid.uuid4(),
        title="广州市关于促进科技金融的若干措施",
        source_name="plan.txt",
        content_hash="0" * 64,
    )


def make_task(document, order, *, closed=False):
    clause = Clause.objects.create(
        document=document, order=order, label=f"（{order}）", fingerprint=f"fp-{order}"
    )
    return Task.objects.create(
        document=document,
        clause=clause,
        order=order,
        title=f"任务{order}",
        closed_at=timezone.now() if closed else None,
    )


def assign(task, unit, role=LEAD, status=Status.IN_PROGRESS, is_active=True):
    return Assignment.objects.create(
        task=task, unit=unit, role=role, status=status, is_active=is_active
    )


@pytest.fixture
def work(document, old, successor):
    """The old unit's assignments in every state, and two tasks it shares with the successor."""
    tasks = {
        name: make_task(document, i)
        for i, name in enumerate(
            ["open", "done", "closed", "inactive", "shared_old_leads", "shared_new_leads"], 1
        )
    }
    tasks["closed"].closed_at = timezone.now()
    tasks["closed"].save()
    return {
        "open": assign(tasks["open"], old),
        "done": assign(tasks["done"], old, status=Status.DONE),
        "closed": assign(tasks["closed"], old, status=Status.NOT_STARTED),
        "inactive": assign(tasks["inactive"], old, SUPPORT, is_active=False),
        "old_leads": assign(tasks["shared_old_leads"], old, LEAD),
        "new_supports": assign(tasks["shared_old_leads"], successor, SUPPORT),
        "old_supports": assign(tasks["shared_new_leads"], old, SUPPORT),
        "new_leads": assign(tasks["shared_new_leads"], successor, LEAD),
    }


@pytest.fixture
def people(guangzhou, old, successor):
    """Staff at the old unit; a leader of both; a supervisor of the city."""
    staff = User.objects.create_user(username="sam")
    leader = User.objects.create_user(username="lea")
    boss = User.objects.create_user(username="sue")
    return {
        "staff": Membership.objects.create(
            user=staff, role=Role.STAFF, unit=old, jurisdiction=guangzhou
        ),
        "leader_old": Membership.objects.create(
            user=leader, role=Role.UNIT_LEADER, unit=old, jurisdiction=guangzhou
        ),
        "leader_new": Membership.objects.create(
            user=leader, role=Role.UNIT_LEADER, unit=successor, jurisdiction=guangzhou
        ),
        "supervisor": Membership.objects.create(
            user=boss, role=Role.SUPERVISOR, jurisdiction=guangzhou
        ),
    }


def reload(rows: dict) -> dict:
    return {key: type(row).objects.get(pk=row.pk) for key, row in rows.items()}


def test_open_assignments_move_and_finished_work_stays(old, successor, work, gz_supervisor):
    counts = succeed_unit(old=old, successor=successor, by=gz_supervisor, ip_address="10.0.0.1")

    a = reload(work)
    assert a["open"].unit == successor and a["open"].is_active
    assert a["open"].version == 2
    for key in ("done", "closed", "inactive"):
        assert a[key].unit == old, key
    assert counts["assignments_moved"] == 1
    assert counts["assignments_merged"] == 2
    assert counts["assignments_kept"] == 3

    moved = AuditEvent.objects.filter(action="assignment.moved")
    assert [e.object_id for e in moved] == [str(work["open"].pk)]
    event = moved.get()
    assert event.before["unit"] == OLD_NAME and event.after["unit"] == NEW_NAME
    assert event.actor == gz_supervisor and event.ip_address == "10.0.0.1"


def test_a_task_both_units_work_on_keeps_the_successor_s_assignment_leading_if_either_led(
    old, successor, work
):
    succeed_unit(old=old, successor=successor, by=None)

    a = reload(work)
    # the old unit led, the successor supported: the successor now leads
    assert not a["old_leads"].is_active and a["old_leads"].unit == old
    assert a["new_supports"].is_active and a["new_supports"].role == LEAD
    # the successor led already: it still does, alone
    assert not a["old_supports"].is_active
    assert a["new_leads"].is_active and a["new_leads"].role == LEAD
    assert AuditEvent.objects.filter(action="assignment.merged").count() == 2


def test_old_unit_is_retired_and_every_old_name_resolves_to_the_successor(
    guangzhou, old, successor, work
):
    old_spellings = list(old.aliases.values_list("name", flat=True))
    assert {OLD_NAME, "广东银保监局", "银保监会广东监管局"} <= set(old_spellings)

    counts = succeed_unit(old=old, successor=successor, by=None)

    old.refresh_from_db()
    assert old.successor == successor and not old.is_active
    assert set(successor.aliases.values_list("name", flat=True)) >= set(old_spellings)
    assert not old.aliases.exists()
    assert counts["aliases_moved"] == len(old_spellings)
    resolved = resolve_units(
        jurisdiction=guangzhou, names=[OLD_NAME, "广东银保监局", "银保监会广东监管局", NEW_NAME]
    )
    assert {name: r.unit for name, r in resolved.items()} == dict.fromkeys(resolved, successor)


def test_reloading_the_registry_keeps_the_old_names_with_the_successor(guangzhou, old, successor):
    from accounts.registry import load_registry

    succeed_unit(old=old, successor=successor, by=None)
    load_registry()  # the shipped files still list the old body under its old name

    resolved = resolve_units(jurisdiction=guangzhou, names=[OLD_NAME, "广东银保监局"])
    assert {name: r.unit for name, r in resolved.items()} == dict.fromkeys(resolved, successor)
    assert not old.aliases.exists()


def test_a_unit_without_an_alias_for_its_own_names_still_leaves_them_to_the_successor(
    guangzhou, successor
):
    bare = Unit.objects.create(jurisdiction=guangzhou, name="广州市旧局", short_name="市旧局")

    counts = succeed_unit(old=bare, successor=successor, by=None)

    assert counts["aliases_added"] == 2
    resolved = resolve_units(jurisdiction=guangzhou, names=["广州市旧局", "市旧局"])
    assert {r.unit for r in resolved.values()} == {successor}


def test_staff_and_leaders_move_and_duplicates_are_not_made(old, successor, people):
    counts = succeed_unit(old=old, successor=successor, by=None)

    assert Membership.objects.get(pk=people["staff"].pk).unit == successor
    assert not Membership.objects.filter(pk=people["leader_old"].pk).exists()
    assert Membership.objects.filter(user__username="lea", unit=successor).count() == 1
    assert Membership.objects.get(pk=people["supervisor"].pk).unit is None
    assert not old.memberships.exists()
    assert (counts["memberships_moved"], counts["memberships_merged"]) == (1, 1)


def test_one_succession_event_on_the_old_unit_with_names_and_counts(
    old, successor, work, people, admin_user
):
    counts = succeed_unit(old=old, successor=successor, by=admin_user)

    event = AuditEvent.objects.get(action="unit.succeeded")
    assert (event.object_type, event.object_id, event.unit_id) == (
        "accounts.unit",
        str(old.pk),
        old.pk,
    )
    assert event.before == {"name": OLD_NAME, "is_active": True, "successor": None}
    assert event.after["successor"] == NEW_NAME
    assert event.after["is_active"] is False
    assert {key: event.after[key] for key in counts} == counts


def refused(code, **kwargs):
    before = table_counts()
    with pytest.raises(DomainError) as exc:
        succeed_unit(**kwargs)
    assert exc.value.code == code
    assert table_counts() == before


def test_a_successor_in_another_jurisdiction_is_refused(old, shenzhen):
    other = Unit.objects.get(jurisdiction=shenzhen, name="深圳市地方金融监督管理局")
    refused("successor_other_jurisdiction", old=old, successor=other, by=None)


def test_a_unit_cannot_succeed_itself(old):
    refused("successor_is_self", old=old, successor=old, by=None)


def test_an_inactive_successor_is_refused(old, successor):
    successor.is_active = False
    successor.save()
    refused("successor_inactive", old=old, successor=successor, by=None)


def test_a_loop_in_the_chain_is_refused(guangzhou, old, successor):
    # given a successor that (by a hand edit) points back at the old unit through another one
    middle = Unit.objects.create(jurisdiction=guangzhou, name="广州市中间局", successor=old)
    Unit.objects.filter(pk=successor.pk).update(successor=middle)
    successor.refresh_from_db()
    refused("succession_loop", old=old, successor=successor, by=None)


def test_a_unit_already_succeeded_is_refused(guangzhou, old, successor):
    succeed_unit(old=old, successor=successor, by=None)
    other = Unit.objects.create(jurisdiction=guangzhou, name="广州市另一个局")
    old.refresh_from_db()
    refused("already_succeeded", old=old, successor=other, by=None)


def test_a_collective_cannot_take_over_one_body(guangzhou, old):
    collective = Unit.objects.filter(jurisdiction=guangzhou, kind=UnitKind.COLLECTIVE).first()
    refused("successor_collective", old=old, successor=collective, by=None)


def test_a_supervisor_of_another_city_may_not_record_it(old, successor, sz_supervisor):
    before = table_counts()
    with pytest.raises(NotAllowed):
        succeed_unit(old=old, successor=successor, by=sz_supervisor)
    assert table_counts() == before


# --- the admin action ----------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


CHANGELIST = reverse("admin:accounts_unit_changelist")


def test_admin_action_asks_for_the_successor_among_active_units_of_the_city(
    admin_client, old, successor, shenzhen
):
    response = admin_client.post(
        CHANGELIST, {"action": "record_succession", "_selected_action": [old.pk]}
    )

    assert response.status_code == 200
    assert "admin/accounts/unit/record_succession.html" in [t.name for t in response.templates]
    choices = response.context["form"].fields["successor"].queryset
    assert successor in choices
    assert old not in choices
    assert not choices.exclude(jurisdiction=old.jurisdiction).exists()
    assert OLD_NAME in response.content.decode()


def test_admin_action_records_the_succession_and_reports_the_counts(
    admin_client, old, successor, work, people
):
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "record_succession",
            "_selected_action": [old.pk],
            "apply": "yes",
            "successor": successor.pk,
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    old.refresh_from_db()
    assert old.successor == successor and not old.is_active
    assert Assignment.objects.get(pk=work["open"].pk).unit == successor
    text = [str(m) for m in response.context["messages"]]
    assert len(text) == 1
    assert f"“{OLD_NAME}” is now succeeded by “{NEW_NAME}”" in text[0]
    assert "1 open assignment(s) moved, 2 merged" in text[0]
    assert AuditEvent.objects.get(action="unit.succeeded").actor.username == "root"


def test_admin_action_shows_a_refusal_as_an_error_message(admin_client, guangzhou, old, successor):
    middle = Unit.objects.create(jurisdiction=guangzhou, name="广州市中间局", successor=old)
    Unit.objects.filter(pk=successor.pk).update(successor=middle)
    before = table_counts()

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "record_succession",
            "_selected_action": [old.pk],
            "apply": "yes",
            "successor": successor.pk,
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    messages = list(response.context["messages"])
    assert [m.level_tag for m in messages] == ["error"]
    assert "was not changed" in str(messages[0])
    assert table_counts() == before


def test_admin_action_refuses_units_of_two_cities(admin_client, old, shenzhen):
    other = Unit.objects.get(jurisdiction=shenzhen, name="深圳市地方金融监督管理局")

    response = admin_client.post(
        CHANGELIST,
        {"action": "record_succession", "_selected_action": [old.pk, other.pk]},
        follow=True,
    )

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    old.refresh_from_db()
    assert old.is_active


def test_successor_is_read_only_on_the_unit_form(admin_client, old):
    response = admin_client.get(reverse("admin:accounts_unit_change", args=[old.pk]))

    assert response.status_code == 200
    assert "successor" not in response.context["adminform"].form.fields
