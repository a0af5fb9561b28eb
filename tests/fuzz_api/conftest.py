"""The fuzzing world, the scope each persona must keep to, and the count of cases tried.

The world of ``tests.conftest.make_world`` (one 深圳市 document: task （一） of the lead and the
support unit, task （二） of 市发展改革委) is extended with what a leak could show: a 广州市
document with its own unit, staff and reports; reports and extension requests of every unit;
the 2026H1 evaluation of both cities with an appeal per unit; notifications for everyone. It
is written once per module inside an outer transaction (as in the permission matrix), and each
test and each fuzzed case runs inside a savepoint that is rolled back.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.choices import Role
from tests.conftest import PASSWORD, World, make_world

# The personas the API is fuzzed as, with the world attribute that holds each user.
PERSONAS = ("staff", "leader", "supervisor")

GZ_TEXT = """广州市关于推动普惠金融发展的实施方案

一、主要任务

（一）完善普惠信贷服务。推动普惠小微贷款增量扩面。（责任单位：市科技局）
"""


def _due(days):
    return timezone.localdate() + timedelta(days=days)


def make_fuzz_world() -> World:
    """The permission-matrix world plus another city's work and one object of every kind per
    unit; needs the registry loaded."""
    from clauses.services import import_document
    from reports.services import file_appeal, rollup_period
    from tracker import services
    from tracker.models import Assignment
    from tracker.services.notifications import notify

    w = make_world()
    # 广州市: a document of its own, a unit member and the city's supervisor (already there)
    result = import_document(data=GZ_TEXT.encode(), filename="gz.txt", jurisdiction=w.guangzhou)
    w.gz_document = result.documents[0].document
    w.gz_task = w.gz_document.tasks.get()
    w.gz_assignment = Assignment.objects.get(task=w.gz_task)
    w.gz_unit = w.gz_assignment.unit
    w.gz_staff = _person(
        "gzstaff", role=Role.STAFF, jurisdiction=w.guangzhou, unit=w.gz_assignment.unit
    )

    # planned, so every unit can report and ask for more time
    plan = {"due_date": _due(60)}
    services.plan_document(document=w.document, by=w.supervisor, plan=plan)
    services.plan_document(document=w.gz_document, by=w.other_supervisor, plan=plan)

    def report(assignment, by, submit):
        data = services.ReportInput(progress="按计划推进。", percent=40)
        return services.create_report(assignment=assignment, by=by, data=data, submit=submit)

    def extension(assignment, by):
        return services.request_extension(
            assignment=assignment, by=by, requested_due_date=_due(90), reason="联调延后。"
        )

    w.report = report(w.lead, w.staff, submit=True)
    w.co_report = report(w.support, w.co_staff, submit=False)
    w.other_report = report(w.unrelated, w.other_staff, submit=True)
    w.gz_report = report(w.gz_assignment, w.gz_staff, submit=True)
    w.extension = extension(w.lead, w.staff)
    w.co_extension = extension(w.support, w.co_staff)
    w.other_extension = extension(w.unrelated, w.other_staff)
    w.gz_extension = extension(w.gz_assignment, w.gz_staff)
    for user in (w.staff, w.leader, w.supervisor, w.co_staff, w.other_staff, w.other_supervisor):
        notify(users=[user], kind="task_closed", message="测试通知。", obj=w.task)
    notify(users=[w.gz_staff], kind="task_closed", message="测试通知。", obj=w.gz_task)

    # the 2026H1 evaluation of both cities, with every assignment in it, and an appeal per unit
    Assignment.objects.update(created_at=datetime(2026, 3, 2, tzinfo=ZoneInfo("Asia/Shanghai")))
    now = timezone.now()
    # force: the world must not depend on the date the suite runs on
    w.period = rollup_period(jurisdiction=w.shenzhen, code="2026H1", now=now, force=True)
    w.gz_period = rollup_period(jurisdiction=w.guangzhou, code="2026H1", now=now, force=True)
    w.snapshot = w.period.snapshots.get(unit=w.lead_unit, document=None)
    w.co_snapshot = w.period.snapshots.get(unit=w.support_unit, document=None)
    w.other_snapshot = w.period.snapshots.get(unit=w.unrelated.unit, document=None)
    w.gz_snapshot = w.gz_period.snapshots.get(unit=w.gz_unit, document=None)
    w.appeal = file_appeal(snapshot=w.snapshot, by=w.staff, reason="数据有误。", now=now)
    w.other_appeal = file_appeal(
        snapshot=w.other_snapshot, by=w.other_staff, reason="数据有误。", now=now
    )
    w.gz_appeal = file_appeal(snapshot=w.gz_snapshot, by=w.gz_staff, reason="数据有误。", now=now)
    w.tokens = {
        name: Token.objects.get_or_create(user=getattr(w, name))[0].key
        for name in (*PERSONAS, "admin")
    }
    return w


def _person(username, **kwargs):
    from tests.conftest import _user

    user = _user(username, **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


# --- the scope: what each persona must never receive -------------------------------------------


@dataclass
class Scope:
    """Objects (kind, id) and names a persona must not find in any answer."""

    ids: set = field(default_factory=set)
    names: set = field(default_factory=set)


def _rows(model, **filters):
    return set(model.objects.filter(**filters).values_list("pk", flat=True))


def forbidden_for(w: World, persona: str) -> Scope:
    """What ``persona`` must not see, written from the world's construction rather than read
    from the ``visible_to`` methods under test."""
    from accounts.models import Unit
    from clauses.models import PolicyDocument
    from reports.models import Appeal, EvaluationPeriod, EvaluationSnapshot
    from tracker.models import (
        Assignment,
        AuditEvent,
        ExtensionRequest,
        Notification,
        ProgressReport,
        Task,
    )

    scope = Scope()

    def forbid(kind, pks):
        scope.ids.update((kind, pk) for pk in pks)

    # another city: nothing of 广州市 for anyone of 深圳市
    gz = w.guangzhou
    forbid("jurisdiction", [gz.pk])
    forbid("document", _rows(PolicyDocument, jurisdiction=gz))
    forbid("task", _rows(Task, document__jurisdiction=gz))
    forbid("assignment", _rows(Assignment, task__document__jurisdiction=gz))
    forbid("unit", _rows(Unit, jurisdiction=gz))
    forbid("unit-record", _rows(Unit, jurisdiction=gz))
    forbid("report", _rows(ProgressReport, assignment__task__document__jurisdiction=gz))
    forbid("extension", _rows(ExtensionRequest, assignment__task__document__jurisdiction=gz))
    forbid("period", _rows(EvaluationPeriod, jurisdiction=gz))
    forbid("snapshot", _rows(EvaluationSnapshot, period__jurisdiction=gz))
    forbid("appeal", _rows(Appeal, snapshot__period__jurisdiction=gz))
    forbid("audit", _rows(AuditEvent, jurisdiction=gz))
    forbid("user", [w.gz_staff.pk, w.other_supervisor.pk])
    scope.names |= {w.gz_document.title, w.gz_task.title, w.gz_unit.name}
    # every user reads only their own notifications
    user = getattr(w, persona)
    forbid("notification", _rows(Notification) - _rows(Notification, recipient=user))
    if persona == "supervisor":
        return scope

    # another unit: staff and leader of the lead unit see task （一） and the assignment of the
    # unit sharing it, never task （二）, nor another unit's record, reports, requests, rows
    # or appeals, nor the audit trail (supervisors only)
    own = w.lead_unit.pk
    forbid("task", [w.other_task.pk])
    forbid("assignment", [w.unrelated.pk])
    forbid("unit", [w.unrelated.unit_id])
    forbid("unit-record", _rows(Unit) - {own})
    forbid("report", _rows(ProgressReport) - _rows(ProgressReport, assignment__unit=own))
    forbid("extension", _rows(ExtensionRequest) - _rows(ExtensionRequest, assignment__unit=own))
    forbid("snapshot", _rows(EvaluationSnapshot) - _rows(EvaluationSnapshot, unit=own))
    forbid("appeal", _rows(Appeal) - _rows(Appeal, snapshot__unit=own))
    forbid("audit", _rows(AuditEvent))
    forbid("user", [w.other_staff.pk])
    scope.names |= {w.other_task.title, w.unrelated.unit.name}
    return scope


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_world_built(django_db_setup, django_db_blocker):
    """The fuzzing world, written once per module inside an outer transaction that is rolled
    back at the end; each test's own transaction is a savepoint inside it."""
    from accounts.registry import load_registry

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), fast:
            load_registry()
            built = make_fuzz_world()
            built.forbidden = {name: forbidden_for(built, name) for name in PERSONAS}
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def fuzz_world(fuzz_world_built, db):
    """The fuzzing world; ``forbidden`` maps each persona to its Scope, ``tokens`` to its API
    token. The objects are the ones built for the module: the tests read their ids and names
    and change the database only through requests, which are rolled back."""
    return fuzz_world_built


@pytest.fixture
def in_process_wsgi():
    """Let WSGI calls share the test's connection and transaction.

    Django's handler closes "old" connections when a request starts and ends; inside a test
    transaction that would close the connection under the test. Django's own test client
    disconnects the same receivers for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# --- the count of cases, printed at the end of the run -------------------------------------------


class FuzzStats:
    """Cases tried per persona, the operations they covered and the statuses they got."""

    def __init__(self):
        self.cases = Counter()
        self.statuses = defaultdict(Counter)  # persona → status class → cases
        self.operations = defaultdict(lambda: defaultdict(Counter))  # persona → label → status

    def record(self, persona: str, label: str, status: int) -> None:
        self.cases[persona] += 1
        self.statuses[persona][status // 100 * 100] += 1
        self.operations[persona][label][status] += 1


STATS = defaultdict(FuzzStats)  # run ("fuzz", "real ids") → its figures


@pytest.fixture(scope="session")
def fuzz_stats():
    return STATS


def pytest_terminal_summary(terminalreporter, config):
    """One line per run and persona; with -v, the statuses each operation answered."""
    for run, stats in sorted(STATS.items()):
        for persona in PERSONAS:
            if not stats.cases[persona]:
                continue
            statuses = ", ".join(
                f"{code // 100}xx: {n}" for code, n in sorted(stats.statuses[persona].items())
            )
            terminalreporter.write_line(
                f"schemathesis ({run}): {persona} tried {stats.cases[persona]} cases over "
                f"{len(stats.operations[persona])} operations ({statuses})"
            )
            if config.option.verbose > 0:
                for label, codes in sorted(stats.operations[persona].items()):
                    answered = ", ".join(f"{code}×{n}" for code, n in sorted(codes.items()))
                    terminalreporter.write_line(f"    {label}: {answered}")
