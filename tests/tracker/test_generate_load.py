"""generate_load: deterministic province-sized data of the seeds' shape, and its texts."""

import hashlib
import statistics
from collections import Counter
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Jurisdiction, Membership, Unit, User
from clauses.models import Clause, ClauseUnit, PolicyDocument, Target
from clauses.services import import_document
from tests.conftest import table_counts
from tracker.errors import DomainError
from tracker.loadgen import (
    BULK_MODELS,
    DEFAULT_TODAY,
    JURISDICTION_NAME,
    SUPERVISOR_USERNAME,
    document_texts,
    generate_load,
    load_sizes,
)
from tracker.loadgen.plan import unit_plans
from tracker.models import Assignment, ProgressReport, ReportingPeriod, Task
from tracker.services.states import refresh_all_states


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_load", *args, stdout=out)
    return out.getvalue()


def rows(model) -> list[tuple]:
    names = [f.attname for f in model._meta.concrete_fields]
    return list(model._base_manager.order_by("pk").values_list(*names))


def checksum() -> str:
    """A hash of every row the generator writes, ids and foreign keys included."""
    digest = hashlib.sha256()
    for model in BULK_MODELS:
        for row in rows(model):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_sizes_follow_the_scale_with_at_least_one_document():
    assert load_sizes(1) == load_sizes(1.0)
    assert (load_sizes(1).documents, load_sizes(1).units, load_sizes(1).users) == (50, 300, 3001)
    assert (load_sizes(20).documents, load_sizes(20).units) == (1000, 6000)
    assert load_sizes(0.1).documents == 5
    assert load_sizes(0.001).documents == 1
    for bad in (0, -1, 1000):
        with pytest.raises(DomainError) as exc:
            load_sizes(bad)
        assert exc.value.code == "invalid_scale"


def test_same_seed_writes_the_same_rows_in_place_of_the_previous_ones(db):
    # given the data of scale 0.03, seed 2026
    generate("--scale", "0.03")
    first = checksum()
    # when it is generated again in its place
    output = generate("--scale", "0.03", "--replace")
    # then every row is the same (ids included) and nothing of the first run is left
    assert checksum() == first
    assert Jurisdiction.objects.filter(name=JURISDICTION_NAME).count() == 1
    assert "previous load data deleted" in output and "tracker.ProgressReport" in output


def test_another_seed_plans_other_documents_with_the_same_units():
    texts = dict(document_texts(scale=0.03, seed=2026, count=2))
    other = dict(document_texts(scale=0.03, seed=7, count=2))
    assert texts.keys() == other.keys() and texts != other
    assert unit_plans(9) == unit_plans(20)[:9]


def test_existing_load_data_is_refused_without_replace(db):
    generate("--scale", "0.02")
    before = table_counts()
    with pytest.raises(CommandError, match="--replace"):
        generate("--scale", "0.02")
    assert table_counts() == before


@pytest.fixture(scope="class")
def tenth_data(django_db_setup, django_db_blocker):
    """Scale 0.1 (5 documents, 30 units, 301 users), seed 2026, as of 5 July 2026: generated
    once for the tests that only read it, in a transaction rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_load(scale=0.1)
        transaction.set_rollback(True)


@pytest.fixture
def tenth(tenth_data, db):
    return tenth_data


class TestTenthOfACity:
    """Scale 0.1, generated once for these tests (they only read it)."""

    def test_scale_sets_the_sizes_and_states_are_stored_right(self, tenth):
        # sizes proportional to the scale (tasks and reports vary around 1,500 and 50,000 a unit)
        assert PolicyDocument.objects.filter(is_current=True).count() == 5
        assert Unit.objects.filter(jurisdiction__name=JURISDICTION_NAME).count() == 30
        assert User.objects.count() == 301
        assert 100 <= Task.objects.count() <= 200
        assert 0.6 * 5000 <= ProgressReport.objects.count() <= 1.4 * 5000
        assert tenth.counts["tracker.ProgressReport"] == ProgressReport.objects.count()
        # the stored status and light were already what the rules give, and the stored
        # reporting periods those the rules store
        periods = rows(ReportingPeriod)
        assert tenth.states_changed == 0
        assert refresh_all_states(today=DEFAULT_TODAY) == 0
        assert rows(ReportingPeriod) == periods
        # one supervisor sees the jurisdiction; every unit has a leader and nine staff
        supervisor = User.objects.get(username=SUPERVISOR_USERNAME)
        assert supervisor.memberships.get().role == Role.SUPERVISOR
        roles = Counter(Membership.objects.exclude(unit=None).values_list("role", flat=True))
        assert roles == {Role.UNIT_LEADER: 30, Role.STAFF: 270}
        assert User.objects.filter(is_superuser=True).count() == 0

    def test_generated_shapes_follow_the_seeds(self, tenth):
        tasks = list(Task.objects.select_related("clause"))
        titles = [len(t.title) for t in tasks]
        bodies = [len(t.description) for t in tasks]
        assert 9 <= statistics.mean(titles) <= 15 and max(titles) <= 30
        assert 120 <= statistics.median(bodies) <= 240 and min(bodies) >= 40
        units_per_task = Assignment.objects.count() / len(tasks)
        assert 3 <= units_per_task <= 5.5
        with_targets = Clause.objects.filter(is_task=True, targets__isnull=False).distinct().count()
        assert 0.04 <= with_targets / len(tasks) <= 0.25
        assert set(Target.objects.values_list("comparator", flat=True)) <= {"gte", "lte", "eq"}
        # lead first, then support; every task has a lead
        roles = Counter(Assignment.objects.values_list("role", flat=True))
        assert 0.2 <= roles["lead"] / sum(roles.values()) <= 0.7
        assert not Assignment.objects.filter(order=0, role="support").exists()
        assert not Task.objects.exclude(assignments__role="lead").exists()
        # progress texts of real-report lengths
        lengths = [len(p) for p in ProgressReport.objects.values_list("progress", flat=True)]
        assert min(lengths) >= 50 and max(lengths) <= 600
        assert 120 <= statistics.median(lengths) <= 300
        # some assignments never received, some tasks closed, some finished at 100 %
        assert Assignment.objects.filter(received_at__isnull=True).exists()
        assert Task.objects.filter(closed_at__isnull=False).exists()
        assert ProgressReport.objects.filter(status="accepted", percent=100).exists()

    def test_reports_are_mostly_on_time_some_late_some_missing(self, tenth):
        # owed: the periods due before today, or before the task was closed
        closed = {
            pk: timezone.localdate(at)
            for pk, at in Assignment.objects.values_list("pk", "task__closed_at")
            if at is not None
        }
        owed = {
            (a, start): due
            for a, start, due in ReportingPeriod.objects.values_list(
                "assignment_id", "period_start", "due_on"
            )
            if due < min(DEFAULT_TODAY, closed.get(a, DEFAULT_TODAY))
        }
        reports = list(
            ProgressReport.objects.values_list(
                "assignment_id", "period_start", "period_end", "first_submitted_at"
            )
        )
        sent = {(a, start): timezone.localdate(first) for a, start, _end, first in reports}
        sent = {key: day for key, day in sent.items() if key in owed}
        # every report is for a period that had ended, some sent early (before their due day)
        assert all(end < DEFAULT_TODAY for _a, _start, end, _first in reports)
        assert len(reports) > len(sent)
        on_time = sum(1 for key, day in sent.items() if day <= owed[key])
        late = len(sent) - on_time
        missing = len(owed) - len(sent)
        assert 0.62 <= on_time / len(owed) <= 0.78
        assert 0.11 <= late / len(owed) <= 0.24
        assert 0.07 <= missing / len(owed) <= 0.18
        assert tenth.on_time == on_time and tenth.late == late and tenth.missing == missing
        # nothing is dated after "today"
        end = timezone.make_aware(datetime.combine(DEFAULT_TODAY, time.min))
        assert not ProgressReport.objects.filter(submitted_at__gte=end).exists()
        assert not ProgressReport.objects.filter(reviewed_at__gte=end).exists()
        assert not Assignment.objects.filter(created_at__gte=end - timedelta(days=20)).exists()

    def test_document_texts_import_with_every_unit_in_the_load_jurisdiction(self, tenth):
        # given the load jurisdiction of scale 0.1 and texts of that scale with another seed
        jurisdiction = Jurisdiction.objects.get(name=JURISDICTION_NAME)
        texts = document_texts(scale=0.1, seed=7, count=2)
        assert texts == document_texts(scale=0.1, seed=7, count=2)
        assert [name for name, _text in texts] == ["load_text_0001.txt", "load_text_0002.txt"]
        for name, text in texts:
            assert "（责任单位：" in text and text.splitlines()[2].endswith("：")  # 主送
            # when a text goes through the full importer (the parser cannot know the made-up
            # province, so the jurisdiction is chosen as a supervisor would)
            result = import_document(
                data=text.encode("utf-8"), filename=name, jurisdiction=JURISDICTION_NAME
            )
            # then it is a new document whose every clause unit resolved in the jurisdiction
            (entry,) = result.documents
            document = entry.document
            assert entry.created and document.version == 1
            assert document.jurisdiction == jurisdiction
            assert document.title.endswith("（试行）")
            mentions = ClauseUnit.objects.filter(clause__document=document)
            assert mentions.count() >= 15
            assert not mentions.exclude(unit__jurisdiction=jurisdiction).exists()
            tasks = Task.objects.filter(document=document)
            assert 15 <= tasks.count() <= 45
            assert (
                Assignment.objects.filter(task__document=document).count()
                == mentions.filter(clause__is_task=True).count()
            )
