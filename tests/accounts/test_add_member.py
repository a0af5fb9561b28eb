"""``manage.py add_member`` and the ``add_member`` service it calls."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.choices import Role
from accounts.models import Membership, Unit, User
from accounts.services import add_member
from clauses.resolver import resolve_units
from tests.conftest import table_counts
from tracker.errors import DomainError, NotAllowed
from tracker.models import AuditEvent

INITIAL = "Initial-pass-2025"


def run(*args) -> str:
    out = StringIO()
    call_command("add_member", *args, stdout=out, stderr=out)
    return out.getvalue()


def staff_args(username="dave", unit="市地方金融监管局", *extra):
    return (username, "--role", "staff", "--jurisdiction", "深圳市", "--unit", unit, *extra)


def test_staff_joins_the_unit_an_alias_names(shenzhen):
    output = run(*staff_args("dave", "市地方金融监管局", "--password", INITIAL))

    expected = resolve_units(jurisdiction=shenzhen, names=["市地方金融监管局"])[
        "市地方金融监管局"
    ].unit
    assert expected.name == "深圳市地方金融监督管理局"
    membership = Membership.objects.get(user__username="dave")
    assert (membership.role, membership.unit, membership.jurisdiction) == (
        Role.STAFF,
        expected,
        shenzhen,
    )
    user = membership.user
    assert user.check_password(INITIAL)
    assert user.must_change_password
    assert "Initial password set" in output
    assert "Added dave as staff of 深圳市地方金融监督管理局" in output
    event = AuditEvent.objects.get(action="membership.added")
    assert event.object_id == str(membership.pk)
    assert event.unit_id == expected.pk
    assert event.after["user_created"] is True
    assert INITIAL not in str(event.after)


def test_running_it_twice_adds_nothing_the_second_time(shenzhen):
    run(*staff_args("dave", "市地方金融监管局", "--password", INITIAL, "--display-name", "戴维"))
    before = table_counts()
    password_hash = User.objects.get(username="dave").password

    output = run(
        *staff_args("dave", "深圳市地方金融监管局", "--password", INITIAL, "--display-name", "戴维")
    )

    assert table_counts() == before
    assert User.objects.get(username="dave").password == password_hash
    assert "dave is already staff of 深圳市地方金融监督管理局" in output


def test_a_new_user_without_password_gets_an_unusable_one_and_is_told(shenzhen):
    output = run(*staff_args("erin"))

    user = User.objects.get(username="erin")
    assert not user.has_usable_password()
    assert user.must_change_password
    assert "No password given: erin cannot sign in until one is set" in output


def test_a_second_run_with_another_unit_role_changes_the_role(shenzhen):
    run(*staff_args("dave"))

    output = run(
        "dave",
        "--role",
        "unit_leader",
        "--jurisdiction",
        "深圳市",
        "--unit",
        "深圳市地方金融监督管理局",
    )

    assert list(
        Membership.objects.filter(user__username="dave").values_list("role", flat=True)
    ) == [Role.UNIT_LEADER]
    assert "Changed dave from staff to unit_leader" in output
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert (event.before, event.after) == ({"role": "staff"}, {"role": "unit_leader"})


def test_an_existing_user_keeps_the_password_and_gets_the_new_display_name(shenzhen):
    user = User.objects.create_user(username="fay", password="Own-choice-77")

    run("fay", "--role", "supervisor", "--jurisdiction", "深圳", "--display-name", "费")

    user.refresh_from_db()
    assert user.display_name == "费"
    assert user.check_password("Own-choice-77")
    assert not user.must_change_password
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.unit, membership.jurisdiction) == (
        Role.SUPERVISOR,
        None,
        shenzhen,
    )


def test_a_password_given_for_an_existing_user_must_be_changed_at_next_sign_in(shenzhen):
    User.objects.create_user(username="gus", password="Own-choice-77")

    output = run(*staff_args("gus", "市地方金融监管局", "--password", INITIAL))

    user = User.objects.get(username="gus")
    assert user.check_password(INITIAL)
    assert user.must_change_password
    assert "Password set" in output
    assert AuditEvent.objects.filter(action="user.password_set", object_id=str(user.pk)).exists()


BAD_INPUTS = {
    "unknown unit": (staff_args("dave", "市不存在局"), "unknown_unit"),
    "unknown jurisdiction": (
        ("dave", "--role", "staff", "--jurisdiction", "火星市", "--unit", "市地方金融监管局"),
        "unknown_jurisdiction",
    ),
    "staff without unit": (
        ("dave", "--role", "staff", "--jurisdiction", "深圳市"),
        "unit_required",
    ),
    "supervisor with unit": (
        ("dave", "--role", "supervisor", "--jurisdiction", "深圳市", "--unit", "市地方金融监管局"),
        "unit_not_allowed",
    ),
    "collective unit": (staff_args("dave", "各区"), "collective_unit"),
    "bad role": (
        ("dave", "--role", "boss", "--jurisdiction", "深圳市", "--unit", "市地方金融监管局"),
        "invalid choice",
    ),
    "short password": (
        staff_args("dave", "市地方金融监管局", "--password", "Ab1-x"),
        "password_invalid",
    ),
    "two kinds of character": (
        staff_args("dave", "市地方金融监管局", "--password", "duban-demo-pass"),
        "password_invalid",
    ),
}


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_fails_clearly_and_writes_nothing(shenzhen, args, message):
    before = table_counts()

    with pytest.raises(CommandError, match=message) as exc:
        run(*args)

    assert exc.value.returncode == 1  # manage.py exits with it
    assert table_counts() == before
    assert not User.objects.filter(username="dave").exists()


def test_refusals_are_in_english_whatever_the_language(shenzhen):
    with pytest.raises(CommandError) as exc:
        run(*staff_args("dave", "市不存在局"))
    assert "No active unit named “市不存在局” in 深圳市" in str(exc.value)


def test_a_unit_of_another_jurisdiction_is_unknown_here(shenzhen, guangzhou):
    before = table_counts()
    with pytest.raises(CommandError, match="unknown_unit"):
        run(*staff_args("dave", "广东银保监局"))
    assert table_counts() == before


def test_a_supervisor_may_add_members_only_in_their_jurisdiction(sz_supervisor, gz_supervisor):
    membership = add_member(
        username="hank", role=Role.STAFF, jurisdiction="深圳市", unit="人行分行", by=sz_supervisor
    )
    assert membership.unit == Unit.objects.get(name="中国人民银行深圳市分行")
    assert AuditEvent.objects.get(action="membership.added").actor == sz_supervisor

    before = table_counts()
    with pytest.raises(NotAllowed):
        add_member(
            username="ivy",
            role=Role.STAFF,
            jurisdiction="深圳市",
            unit="人行分行",
            by=gz_supervisor,
        )
    assert table_counts() == before


def test_an_inactive_unit_is_refused(shenzhen):
    unit = Unit.objects.get(jurisdiction=shenzhen, name="深圳市地方金融监督管理局")
    unit.is_active = False
    unit.save()

    with pytest.raises(DomainError) as exc:
        add_member(username="dave", role=Role.STAFF, jurisdiction=shenzhen, unit=unit)
    assert exc.value.code == "unknown_unit"
    with pytest.raises(DomainError) as exc:
        add_member(username="dave", role=Role.STAFF, jurisdiction=shenzhen, unit="市地方金融监管局")
    assert exc.value.code == "unknown_unit"
