"""A real Celery worker and a real beat, on the configured broker (filesystem locally, Redis in CI)."""

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO


def _wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def env(tmp_path):
    environment = {**os.environ, "DATA_DIR": str(tmp_path), "HEARTBEAT_SECONDS": "1"}
    if "DATABASE_URL" not in environment:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=REPO,
            env=environment,
            check=True,
        )
    else:
        # the CI database: beat's schedule tables must exist
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0", "django_celery_beat"],
            cwd=REPO,
            env=environment,
            check=True,
        )
    return environment


def _start(args, env, log):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", *args],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_beat_sends_and_a_worker_runs_the_heartbeat(env, tmp_path):
    heartbeat = tmp_path / "heartbeat"
    log_path = tmp_path / "celery.log"
    with log_path.open("w") as log:
        worker = _start(
            ["worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO", "-Q", "celery"],
            env,
            log,
        )
        beat = _start(["beat", "--loglevel=INFO", "--max-interval=1"], env, log)
        try:
            ran = _wait_for(heartbeat, 60)
        finally:
            for process in (beat, worker):
                process.terminate()
            for process in (beat, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    output = log_path.read_text()
    assert ran, output[-3000:]
    assert "tracker.record_heartbeat" in output
    assert "DatabaseScheduler" in output
