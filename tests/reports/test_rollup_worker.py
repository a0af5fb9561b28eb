"""A worker killed in the middle of a rollup leaves no partial period; a retry completes it.

Real Celery worker subprocesses on the configured broker (filesystem locally, Redis in CI),
with the demo data in the subprocesses' own database. The rollup task sleeps inside its
transaction after writing its rows (``pause_after_write_seconds``), the test kills the worker
with SIGKILL there, and then sends the task again. Neither broker redelivers quickly here:
the filesystem transport drops an unacknowledged message with the killed process, and Redis
redelivers only after its visibility timeout (an hour by default); so the retry is an
explicit re-send, as an operator (or the next beat) would do.
"""

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

COUNTS = (
    "import json;"
    "from reports.models import EvaluationPeriod as P, EvaluationSnapshot as S;"
    "from accounts.models import Jurisdiction as J;"
    "print(json.dumps({'jurisdiction': J.objects.get(name='深圳市').pk,"
    "'periods': P.objects.filter(code='2026H2').count(),"
    "'snapshots': S.objects.filter(period__code='2026H2').count()}))"
)


def _manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def _counts(env) -> dict:
    return json.loads(_manage(env, "shell", "-c", COUNTS).strip().splitlines()[-1])


def _send(env, jurisdiction_id, **kwargs):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "call",
            "reports.rollup_period",
            "--args",
            json.dumps([jurisdiction_id, "2026H2"]),
            "--kwargs",
            json.dumps({"force": True, **kwargs}),
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )


def _worker(env, log):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            "celery",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def env(tmp_path):
    """The subprocesses' own SQLite database under tmp_path (never the developer's or CI's
    database: load_demo writes to it), on the configured broker."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["DATA_DIR"] = str(tmp_path)
    _manage(environment, "migrate", "--no-input", "-v0")
    return environment


def test_killed_rollup_leaves_nothing_and_a_retry_completes(env, tmp_path):
    _manage(env, "load_demo")
    jurisdiction_id = _counts(env)["jurisdiction"]
    log_path = tmp_path / "worker.log"
    # when a worker is killed while the rollup sleeps inside its transaction
    _send(env, jurisdiction_id, pause_after_write_seconds=120)
    with log_path.open("w") as log:
        worker = _worker(env, log)
        try:
            paused = _wait(lambda: "paused inside its transaction" in log_path.read_text(), 90)
        finally:
            worker.kill()
            worker.wait(timeout=20)
    assert paused, log_path.read_text()[-3000:]
    # then the period has no rows at all (nor the period itself: created in the transaction)
    assert _counts(env) | {"jurisdiction": 0} == {
        "jurisdiction": 0,
        "periods": 0,
        "snapshots": 0,
    }
    # when the task is sent again, then a new worker completes the period
    _send(env, jurisdiction_id)
    with log_path.open("a") as log:
        worker = _worker(env, log)
        try:
            done = _wait(lambda: _counts(env)["snapshots"] > 0, 90)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    assert done, log_path.read_text()[-3000:]
    counts = _counts(env)
    assert counts["periods"] == 1  # the demo tasks start today: no report is due yet
