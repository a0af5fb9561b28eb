"""The scale benchmark end to end at scale 0.1 on SQLite: the JSON's shape, not its times."""

import json
import os
import subprocess
import sys

from benchmarks.run import KEYS
from tests.conftest import REPO


def test_benchmark_suite_runs_at_a_tenth_and_reports_every_figure(tmp_path):
    out = tmp_path / "scale.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--scale",
            "0.1",
            "--runs",
            "1",
            "--requests",
            "3",
            "--import-docs",
            "2",
            "--api-requests",
            "40",
            "--api-seconds",
            "5",
            "--out",
            str(out),
        ],
        cwd=REPO,
        env=env,
        check=True,
        timeout=600,
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["machine"]["database"] == "sqlite"
    assert result["machine"]["cpus"] >= 1
    assert result["command"].startswith("python -m benchmarks.run --scale 0.1")
    figures = result["scales"]["0.1"]
    for key in KEYS:
        assert isinstance(figures[key], int | float), key
        assert figures[key] > 0, key
    assert figures["sizes"]["documents"] >= 5
    assert figures["sizes"]["progress_reports"] > 1000
    # the floor agrees with the rollup in size: one row per unit and document, one per unit
    assert figures["floor_rows"] == figures["snapshot_rows"]
