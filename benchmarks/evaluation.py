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
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.machine import cpu_model

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


def load_demo() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())


def history(rng: random.Random, assignment_ids, task_ids) -> dict:
    """The demo's 2026H1 history (tracker.demo_history) for the given rows."""
    from dataclasses import asdict

    from tracker.demo_history import HistoryCounts, backdate, close_some_tasks, write_reports

    counts = HistoryCounts(assignments=len(assignment_ids))
    backdate(rng, assignment_ids)
    write_reports(rng, assignment_ids, counts)
    close_some_tasks(rng, task_ids, counts)
    from tracker.services.states import refresh_assignments

    for i in range(0, len(assignment_ids), 1000):  # states and stored reporting periods
        refresh_assignments(assignment_ids[i : i + 1000], today=NOW.date())
    return {k: v for k, v in asdict(counts).items() if k != "skipped"}


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

    from reports.models import EvaluationSnapshot
    from reports.services import rollup_period
    from tracker.models import ReportingPeriod

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
        dues = ReportingPeriod.objects.filter(due_on__lt=NOW.date()).count()
        transaction.set_rollback(True)
    return {
        "jurisdictions": len(jurisdictions),
        "rollup_s_median": round(statistics.median(seconds), 3),
        "rollup_s_runs": [round(s, 3) for s in seconds],
        "rollup_queries": len(queries),
        "snapshot_rows": rows,
        "reporting_periods_due": dues,
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
        counts = history(
            rng, assignment_ids, list(Task.objects.order_by("pk").values_list("pk", flat=True))
        )
        results = [measure("demo", args.runs, now, {"generated": counts})]
        results[0]["build_s"] = round(time.perf_counter() - clock, 1)
        if not args.small_only and args.factor > 1:
            clock = time.perf_counter()
            task_ids, new_ids = replicate(args.factor)
            counts = history(rng, new_ids, task_ids)
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
