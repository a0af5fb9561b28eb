"""The scale benchmark: generated data of scale N, the operations people wait for, the floor.

    python -m benchmarks.run --scale 1 5 20 [--database-url postgres://…/duban_bench_{scale}] --out FILE.json

For each scale, on a database of its own (``--database-url``: PostgreSQL, ``{scale}`` in it
replaced by the scale; the database is DROPPED and created again, so its name must contain
"bench"; without it a temporary SQLite file), it migrates, runs ``generate_load --scale N``
and measures:

- ``import_docs_per_s``: generated documents in the seeds' format through the full importer
  (read, parse, resolve units, write), each in a transaction rolled back afterwards;
- ``dashboard_p50_ms``/``_p95_ms`` and ``document_p95_ms``: ``/api/v1/dashboard/summary/``
  and the per-document page of the largest document, requested ``--requests`` times by the
  load supervisor through Django's test client (in process: no network), and the SQL
  queries of one request (``queries_dashboard``, ``queries_document``);
- ``rollup_s``: ``rollup_period`` of 2026H1 on 5 July 2026 (median of ``--runs``, each rolled
  back after the checks a commit would run), and ``rollup_floor_s``: one hand-written SQL query computing the same figures
  (``benchmarks/floor.py``), run on the same data in the same process; ``rollup_ratio``;
- ``reminder_scan_s`` and ``reminders_per_s``: one ``scan_reminders`` on that day (nothing
  queued to a broker; rolled back after the commit's checks);
- ``api_rps`` and ``trivial_rps``: requests per second of ``/api/v1/assignments/`` and of
  ``/healthz/`` from a threaded keep-alive client against gunicorn on 127.0.0.1, bounded by
  ``--api-requests`` and ``--api-seconds``; ``api_ratio``;
- ``rollup_peak_mb``: the peak resident memory of a separate process running the rollup.

``--reuse`` keeps a database already generated at that scale (for repeated measurement).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.machine import cpu_model

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 7, 5, 9, 0)  # made aware after Django is set up
TODAY = "2026-07-05"
CODE = "2026H1"
KEYS = (
    "import_docs_per_s",
    "dashboard_p50_ms",
    "dashboard_p95_ms",
    "document_p95_ms",
    "queries_dashboard",
    "queries_document",
    "rollup_s",
    "rollup_floor_s",
    "reminder_scan_s",
    "reminders_per_s",
    "api_rps",
    "trivial_rps",
    "rollup_peak_mb",
)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (share in 0–1)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- the database of one scale ------------------------------------------------------------


def recreate_postgres(url: str) -> None:
    """Drop and create the database of ``url`` (its name must contain "bench")."""
    from urllib.parse import urlparse

    import psycopg

    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to recreate database {name!r}: its name must contain 'bench'")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_url(template: str | None, scale: float) -> str | None:
    """The database of one scale: ``{scale}`` in the URL becomes the scale (``0_1`` for 0.1),
    so that every scale keeps its own data for ``--reuse``."""
    if not template:
        return None
    return template.replace("{scale}", f"{scale:g}".replace(".", "_"))


def child_env(database_url: str | None, data_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdef"),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATA_DIR=data_dir,
        CELERY_TASK_ALWAYS_EAGER="0",
        # plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies without the secure flag
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)


# --- measurements, inside the Django process of one scale ---------------------------------


def _supervisor():
    from accounts.models import User
    from tracker.loadgen import SUPERVISOR_USERNAME

    return User.objects.get(username=SUPERVISOR_USERNAME)


def time_requests(client, url: str, count: int) -> tuple[list[float], int]:
    """Latencies (ms) of ``count`` GETs after one warm-up, and the queries of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: connection, caches, templates
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)  # now: later requests reset the log
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url)
        latencies.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return latencies, queries


def measure_pages(requests: int) -> dict:
    from django.db.models import Count
    from django.test import Client

    from clauses.models import PolicyDocument

    client = Client()
    client.force_login(_supervisor())
    dashboard, queries_dashboard = time_requests(client, "/api/v1/dashboard/summary/", requests)
    largest = (
        PolicyDocument.objects.annotate(n=Count("tasks")).order_by("-n", "pk").values("pk").first()
    )
    document, queries_document = time_requests(
        client, f"/dashboard/documents/{largest['pk']}/", requests
    )
    return {
        "dashboard_p50_ms": round(percentile(dashboard, 0.5), 1),
        "dashboard_p95_ms": round(percentile(dashboard, 0.95), 1),
        "document_p50_ms": round(percentile(document, 0.5), 1),
        "document_p95_ms": round(percentile(document, 0.95), 1),
        "queries_dashboard": queries_dashboard,
        "queries_document": queries_document,
    }


def measure_import(scale: float, count: int) -> dict:
    from django.db import transaction

    from clauses.services import import_document
    from tracker.loadgen import document_texts

    texts = document_texts(scale=scale, seed=7, count=count)
    jurisdiction = _jurisdiction()  # the clerk's choice on the upload page
    seconds = 0.0
    for name, text in texts:
        with transaction.atomic():
            start = time.perf_counter()
            import_document(data=text.encode("utf-8"), filename=name, jurisdiction=jurisdiction)
            seconds += time.perf_counter() - start
            transaction.set_rollback(True)
    return {"import_docs": len(texts), "import_docs_per_s": round(len(texts) / seconds, 2)}


def _jurisdiction():
    from accounts.models import Jurisdiction
    from tracker.loadgen import JURISDICTION_NAME

    return Jurisdiction.objects.get(name=JURISDICTION_NAME)


def measure_rollup(runs: int, now) -> dict:
    from django.db import connection, transaction

    from benchmarks.floor import floor_rows
    from reports.models import EvaluationSnapshot
    from reports.services import get_period, rollup_period

    jurisdiction = _jurisdiction()
    seconds, floor_seconds, rows = [], [], 0
    for _ in range(runs):
        with transaction.atomic():
            start = time.perf_counter()
            period = rollup_period(jurisdiction=jurisdiction, code=CODE, now=now)
            _check_constraints(connection)  # what a commit would still do
            seconds.append(time.perf_counter() - start)
            rows = EvaluationSnapshot.objects.filter(period=period).count()
            transaction.set_rollback(True)
    # The floor reads the same tables; its one query is timed on its own.
    with transaction.atomic():
        period = get_period(jurisdiction=jurisdiction, code=CODE, create=True)
        for _ in range(runs):
            start = time.perf_counter()
            floor = floor_rows(connection, period=period)
            floor_seconds.append(time.perf_counter() - start)
        transaction.set_rollback(True)
    rollup_s, floor_s = statistics.median(seconds), statistics.median(floor_seconds)
    return {
        "rollup_s": round(rollup_s, 3),
        "rollup_runs_s": [round(s, 3) for s in seconds],
        "rollup_floor_s": round(floor_s, 3),
        "rollup_ratio": round(rollup_s / floor_s, 2) if floor_s else None,
        "snapshot_rows": rows,
        "floor_rows": len(floor),
    }


def _check_constraints(connection) -> None:
    """Run now the checks PostgreSQL defers to the commit (Django's foreign keys are
    DEFERRABLE INITIALLY DEFERRED): a measurement rolled back would otherwise leave out a
    cost every real run pays."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def measure_scan(runs: int, now) -> dict:
    from django.db import connection, transaction

    from tracker.services.reminders import scan_reminders

    seconds, reminders = [], 0
    for _ in range(runs):
        with transaction.atomic():
            start = time.perf_counter()
            result = scan_reminders(now=now, queue=False)
            _check_constraints(connection)
            seconds.append(time.perf_counter() - start)
            reminders = result.reminders
            transaction.set_rollback(True)
    scan_s = statistics.median(seconds)
    return {
        "reminder_scan_s": round(scan_s, 3),
        "reminder_scan_runs_s": [round(s, 3) for s in seconds],
        "reminders": reminders,
        "reminders_per_s": round(reminders / scan_s, 1) if scan_s else None,
    }


def sizes() -> dict:
    from accounts.models import Unit, User
    from clauses.models import PolicyDocument
    from tracker.models import Assignment, ProgressReport, Task

    return {
        "documents": PolicyDocument.objects.count(),
        "tasks": Task.objects.count(),
        "assignments": Assignment.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "progress_reports": ProgressReport.objects.count(),
    }


def in_process(args) -> dict:
    """The measurements that run inside this (child) process's Django."""
    import django

    django.setup()
    from django.utils import timezone

    now = timezone.make_aware(NOW)
    result = {"sizes": sizes()}
    print(f"scale {args.one_scale}: {result['sizes']}", file=sys.stderr)
    result |= measure_pages(args.requests)
    result |= measure_rollup(args.runs, now)
    result |= measure_scan(args.runs, now)
    result |= measure_import(args.one_scale, args.import_docs)
    return result


# --- measurements from outside: gunicorn and the rollup's memory ---------------------------


def _token(env) -> str:
    code = (
        "import django; django.setup()\n"
        "from rest_framework.authtoken.models import Token\n"
        "from accounts.models import User\n"
        "from tracker.loadgen import SUPERVISOR_USERNAME\n"
        "user = User.objects.get(username=SUPERVISOR_USERNAME)\n"
        "user.must_change_password = False; user.save(update_fields=['must_change_password'])\n"
        "print(Token.objects.get_or_create(user=user)[0].key)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def hammer(port: int, path: str, token: str | None, requests: int, seconds: float) -> float:
    """Requests per second of GET ``path`` from 4 keep-alive clients, bounded in both."""
    import http.client

    done = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Token {token}"} if token else {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if done[0] >= requests:
                    return
                done[0] += 1
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.perf_counter() - start)


def measure_api(env, requests: int, seconds: float) -> dict:
    import socket

    token = _token(env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tracker.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        hammer(port, "/healthz/", None, 50, 5)  # warm both workers
        hammer(port, "/api/v1/assignments/", token, 20, 10)
        trivial = hammer(port, "/healthz/", None, requests, seconds)
        api = hammer(port, "/api/v1/assignments/", token, requests, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "api_rps": round(api, 1),
        "trivial_rps": round(trivial, 1),
        "api_ratio": round(trivial / api, 2) if api else None,
    }


def measure_rollup_memory(env) -> dict:
    code = (
        "import resource, django; django.setup()\n"
        "from django.db import transaction\n"
        "from django.utils import timezone\n"
        "from benchmarks.run import NOW, CODE, _jurisdiction\n"
        "from reports.services import rollup_period\n"
        "with transaction.atomic():\n"
        "    rollup_period(jurisdiction=_jurisdiction(), code=CODE, now=timezone.make_aware(NOW))\n"
        "    transaction.set_rollback(True)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return {"rollup_peak_mb": round(int(out.stdout.strip().splitlines()[-1]) / 1024, 1)}


def run_scale(scale: float, args) -> dict:
    """Build (or reuse) the database of one scale and measure it."""
    with tempfile.TemporaryDirectory() as data_dir:
        url = database_url(args.database_url, scale)
        env = child_env(url, data_dir)
        if url and not args.reuse:
            recreate_postgres(url)
        clock = time.perf_counter()
        manage(env, "migrate", "--no-input", "-v", "0")
        if not args.reuse:
            manage(env, "generate_load", "--scale", str(scale), "--seed", str(args.seed))
        build_s = time.perf_counter() - clock
        out = Path(data_dir) / "result.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.run",
                "--one-scale",
                str(scale),
                "--runs",
                str(args.runs),
                "--requests",
                str(args.requests),
                "--import-docs",
                str(args.import_docs),
                "--child-out",
                str(out),
            ],
            cwd=REPO,
            env=env,
            check=True,
        )
        result = {"scale": scale, "build_s": round(build_s, 1)}
        result |= json.loads(out.read_text())
        result |= measure_api(env, args.api_requests, args.api_seconds)
        result |= measure_rollup_memory(env)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0])
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a scratch database (recreated); {scale} in it: one per scale",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the generated data")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40, help="GETs per page for p50/p95")
    parser.add_argument("--import-docs", type=int, default=10)
    parser.add_argument("--api-requests", type=int, default=2000)
    parser.add_argument("--api-seconds", type=float, default=15)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--one-scale", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.one_scale is not None:
        args.child_out.write_text(json.dumps(in_process(args), default=str))
        return
    results = [run_scale(scale, args) for scale in args.scale]
    document = {
        "benchmark": "scale",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m benchmarks.run", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": cpu_model(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}",
            "database": "postgresql" if args.database_url else "sqlite",
        },
        "now": NOW.isoformat(),
        "period": CODE,
        "runs": args.runs,
        "seed": args.seed,
        "scales": {str(r["scale"]).removesuffix(".0"): r for r in results},
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
