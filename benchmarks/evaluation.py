"""Benchmark of the half-year rollup (and the reminder scan) at demo size and 100× larger.

    python -m benchmarks.evaluation [--runs 5] [--factor 10] [--out benchmarks/results/evaluation.json]

On a fresh SQLite database (a temporary DATA_DIR; DATABASE_URL when set, whose data it
changes), load the demo (registry, the five seed documents, demo accounts), backdate every
assignment into 2026H1 and write progress reports at deterministic dates (``random.Random``
with ``--seed``): most on time, some late, some missing, a few accepted at 100 %, a few tasks
closed. That is the small dataset. The large one adds ``--factor − 1`` copies of every task
with the same units, reports and target actuals (bulk_create), generated the same way.

Each run of ``rollup_period`` (2026H1 of every jurisdiction, on 5 July 2026, so not forced)
and of ``scan_reminders`` (same moment, nothing queued) happens in a transaction that is
rolled back, so every run starts from the same state; figures are medians over ``--runs``.
The SQL query count of one rollup is captured separately.

The default factor is 10, which runs in a few minutes; ``--factor 100`` (57,000 assignments,
136,000 reports) builds in about 3.5 minutes and measures in about 10 on 2 CPUs (SQLite).
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 7, 5, 9, 0)  # made aware after Django is set up
CODE = "2026H1"


def _django(data_dir: str) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings

    # The demo accounts' password hashing is slow on purpose; it is not what is measured.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def cpu_model() -> str:
    """The processor's model name where the system tells it (Linux), else the machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _aware(day: date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def load_demo() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())


def backdate(rng: random.Random, assignment_ids) -> None:
    """Give the assignments a 2026H1 plan: cycle, start, due date, created before the period."""
    from django.db.models import Case, CharField, DateField, IntegerField, Value, When

    from tracker.models import Assignment

    cycles, dues, days = [], [], []
    for pk in assignment_ids:
        cycle = rng.choice(["monthly", "monthly", "quarterly", "once"])
        due = date(2026, 3, 1) + timedelta(days=rng.randrange(0, 300))
        cycles.append(When(pk=pk, then=Value(cycle)))
        dues.append(When(pk=pk, then=Value(due)))
        days.append(When(pk=pk, then=Value(rng.choice([5, 10, 15]))))
    batch = 500
    for i in range(0, len(assignment_ids), batch):
        ids = assignment_ids[i : i + batch]
        Assignment.objects.filter(pk__in=ids).update(
            report_cycle=Case(*cycles[i : i + batch], output_field=CharField()),
            due_date=Case(*dues[i : i + batch], output_field=DateField()),
            evaluation_due_date=Case(*dues[i : i + batch], output_field=DateField()),
            report_day=Case(*days[i : i + batch], output_field=IntegerField()),
            start_date=date(2026, 1, 1),
            created_at=_aware(date(2025, 12, 1)),
            is_active=True,
        )


def write_reports(rng: random.Random, assignment_ids) -> dict:
    """Reports of every reporting period due in 2026H1: 65 % on time, 20 % late, 15 % missing.

    The last report of one assignment in ten is accepted at 100 % (done); targets of the
    clause get an actual on the last report sent.
    """
    from clauses.models import Target
    from tracker.models import Assignment, ProgressReport, TargetActual
    from tracker.periods import periods

    author = _author()
    targets: dict = {}
    for t in Target.objects.only("id", "clause_id", "value"):
        targets.setdefault(t.clause_id, []).append(t)
    reports, actual_plan = [], []
    counts = {"on_time": 0, "late": 0, "missing": 0, "accepted": 0}
    assignments = (
        Assignment.objects.filter(pk__in=assignment_ids)
        .select_related("task")
        .only("id", "report_cycle", "report_day", "start_date", "due_date", "task__clause_id")
        .order_by("pk")
    )
    for a in assignments.iterator(chunk_size=2000):
        due_in_period = [
            p
            for p in periods(
                cycle=a.report_cycle, report_day=a.report_day, start=a.start_date, end=a.due_date
            )
            if p.due_on < date(2026, 7, 1)
        ]
        accept_last = rng.random() < 0.1
        last = None
        for i, p in enumerate(due_in_period):
            roll = rng.random()
            if roll < 0.15:
                counts["missing"] += 1
                continue
            late = roll >= 0.80
            sent_day = p.due_on + timedelta(
                days=rng.randrange(1, 20) if late else -rng.randrange(0, 5)
            )
            counts["late" if late else "on_time"] += 1
            done = accept_last and i == len(due_in_period) - 1
            report = ProgressReport(
                assignment_id=a.pk,
                period_start=p.start,
                period_end=p.end,
                due_on=p.due_on,
                status="accepted" if done else "submitted",
                progress="按计划推进。",
                percent=100 if done else rng.randrange(10, 90),
                author=author,
                submitted_at=_aware(sent_day),
                first_submitted_at=_aware(sent_day),
                reviewed_at=_aware(sent_day + timedelta(days=2)) if done else None,
            )
            counts["accepted"] += done
            reports.append(report)
            last = report
        if last is not None:
            for t in targets.get(a.task.clause_id, []):
                actual_plan.append((last, t, rng.uniform(0.5, 1.2)))
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    TargetActual.objects.bulk_create(
        [
            TargetActual(
                report=r,
                target=t,
                value=(t.value * Decimal(str(round(f, 2)))).quantize(Decimal("0.0001")),
            )
            for r, t, f in actual_plan
            if t.value is not None
        ],
        batch_size=2000,
    )
    counts["reports"] = len(reports)
    return counts


def _author():
    from accounts.models import User

    return User.objects.order_by("pk").first()


def close_some_tasks(rng: random.Random, task_ids) -> int:
    """One task in twenty closed in May 2026 (done within the period)."""
    from tracker.models import Task

    closed = [pk for pk in task_ids if rng.random() < 0.05]
    Task.objects.filter(pk__in=closed).update(closed_at=_aware(date(2026, 5, 20)))
    return len(closed)


def replicate(factor: int) -> tuple[list[int], list[int]]:
    """Add ``factor − 1`` copies of every task and its assignments; returns their new ids."""
    from tracker.models import Assignment, Task

    tasks = list(Task.objects.filter(is_active=True).order_by("pk"))
    assignments: dict = {}
    for a in Assignment.objects.filter(task__in=tasks).order_by("pk"):
        assignments.setdefault(a.task_id, []).append(a)
    new_tasks, new_assignments = [], []
    for copy in range(1, factor):
        batch = []
        for t in tasks:
            batch.append(
                Task(
                    document_id=t.document_id,
                    clause_id=t.clause_id,
                    order=t.order + copy * 10_000,
                    label=t.label,
                    section=t.section,
                    title=f"{t.title}（{copy}）",
                    report_cycle=t.report_cycle,
                    report_day=t.report_day,
                )
            )
        batch = Task.objects.bulk_create(batch, batch_size=1000)
        new_tasks += [t.pk for t in batch]
        rows = [
            Assignment(task_id=copy_task.pk, unit_id=a.unit_id, role=a.role, order=a.order)
            for original, copy_task in zip(tasks, batch, strict=True)
            for a in assignments.get(original.pk, [])
        ]
        new_assignments += [a.pk for a in Assignment.objects.bulk_create(rows, batch_size=1000)]
    return new_tasks, new_assignments


def _jurisdictions():
    from accounts.models import Jurisdiction

    return list(Jurisdiction.objects.filter(documents__isnull=False).distinct().order_by("pk"))


def time_rollups(runs: int, now) -> dict:
    """Median seconds to roll up 2026H1 of every jurisdiction with documents, and its queries."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from reports.models import EvaluationSnapshot, ReportDue
    from reports.services import rollup_period

    jurisdictions = _jurisdictions()
    seconds = []
    for _ in range(runs):
        with transaction.atomic():
            start = time.perf_counter()
            for j in jurisdictions:
                rollup_period(jurisdiction=j, code=CODE, now=now)
            seconds.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            for j in jurisdictions:
                rollup_period(jurisdiction=j, code=CODE, now=now)
        rows = EvaluationSnapshot.objects.count()
        dues = ReportDue.objects.count()
        transaction.set_rollback(True)
    return {
        "jurisdictions": len(jurisdictions),
        "rollup_s_median": round(statistics.median(seconds), 3),
        "rollup_s_runs": [round(s, 3) for s in seconds],
        "rollup_queries": len(queries),
        "snapshot_rows": rows,
        "reports_due_rows": dues,
    }


def time_reminder_scan(runs: int, now) -> dict:
    """Median seconds of one reminder scan (nothing queued), or None without the service."""
    from django.db import transaction

    try:
        from tracker.services.reminders import scan_reminders
    except ImportError:
        return {"reminder_scan_s": None}
    seconds, reminders = [], 0
    for _ in range(runs):
        with transaction.atomic():
            start = time.perf_counter()
            result = scan_reminders(now=now, queue=False)
            seconds.append(time.perf_counter() - start)
            reminders = result.reminders
            transaction.set_rollback(True)
    return {
        "reminder_scan_s": round(statistics.median(seconds), 3),
        "reminder_scan_s_runs": [round(s, 3) for s in seconds],
        "reminders_logged": reminders,
    }


def measure(label: str, runs: int, now, data: dict) -> dict:
    from clauses.models import PolicyDocument
    from tracker.models import Assignment, ProgressReport, Task

    sizes = {
        "documents": PolicyDocument.objects.count(),
        "tasks": Task.objects.count(),
        "assignments": Assignment.objects.count(),
        "progress_reports": ProgressReport.objects.count(),
    }
    print(f"{label}: {sizes}", file=sys.stderr)
    return {
        "dataset": label,
        **sizes,
        **data,
        **time_rollups(runs, now),
        **time_reminder_scan(runs, now),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--factor", type=int, default=10, help="size of the large dataset")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--small-only", action="store_true", help="skip the large dataset")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _django(data_dir)
        from django.db import connection
        from django.utils import timezone

        from tracker.models import Assignment, Task

        now = timezone.make_aware(NOW)
        rng = random.Random(args.seed)
        clock = time.perf_counter()
        load_demo()
        assignment_ids = list(Assignment.objects.order_by("pk").values_list("pk", flat=True))
        backdate(rng, assignment_ids)
        counts = write_reports(rng, assignment_ids)
        counts["tasks_closed"] = close_some_tasks(
            rng, list(Task.objects.order_by("pk").values_list("pk", flat=True))
        )
        results = [measure("demo", args.runs, now, {"generated": counts})]
        results[0]["build_s"] = round(time.perf_counter() - clock, 1)
        if not args.small_only and args.factor > 1:
            clock = time.perf_counter()
            task_ids, new_ids = replicate(args.factor)
            backdate(rng, new_ids)
            counts = write_reports(rng, new_ids)
            counts["tasks_closed"] = close_some_tasks(rng, task_ids)
            build_s = round(time.perf_counter() - clock, 1)
            results.append(
                measure(f"demo × {args.factor}", args.runs, now, {"generated_extra": counts})
            )
            results[-1]["build_s"] = build_s
        vendor = connection.vendor
    result = {
        "benchmark": "evaluation",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": cpu_model(),
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}",
            "database": vendor,
        },
        "period": CODE,
        "now": NOW.isoformat(),
        "runs": args.runs,
        "seed": args.seed,
        "factor": args.factor,
        "results": results,
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
