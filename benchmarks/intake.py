"""Benchmark of document intake: parse the five seeds, and import them into a fresh SQLite database.

    python -m benchmarks.intake [--runs 5] [--out benchmarks/results/intake.json]

Each figure is the median of several runs. Parsing (read + clean + parse of all five files) runs
in this process; every import run is a child process on a new SQLite file, migrated and with the
unit registry loaded before the clock starts, so it measures the importer alone.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.machine import cpu_model

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "demo" / "seeds").glob("*.txt"))


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def parse_all() -> float:
    """Seconds to read, clean and parse the five seeds once."""
    from clauses.parsing import parse_text
    from clauses.readers import read_document

    files = [(p.name, p.read_bytes()) for p in SEEDS]
    start = time.perf_counter()
    for name, data in files:
        parse_text(read_document(data, name).text, source_name=name)
    return time.perf_counter() - start


def import_once() -> float:
    """In a fresh database (this process's DATA_DIR): seconds to import the five seeds."""
    from django.core.management import call_command

    from accounts.registry import load_registry
    from clauses.services import import_document

    call_command("migrate", verbosity=0)
    load_registry()
    files = [(p.name, p.read_bytes()) for p in SEEDS]
    start = time.perf_counter()
    for name, data in files:
        import_document(data=data, filename=name)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--import-once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _django()
    if args.import_once:
        print(json.dumps({"import_s": import_once()}))
        return

    parse_all()  # warm up imports and regex compilation
    parse_runs = [parse_all() for _ in range(args.runs)]
    import_runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as data_dir:
            env = {**os.environ, "DATA_DIR": data_dir}
            env.pop("DATABASE_URL", None)
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.intake", "--import-once"],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            import_runs.append(json.loads(out.stdout.strip().splitlines()[-1])["import_s"])
    result = {
        "benchmark": "intake",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": cpu_model(),
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}",
        },
        "seeds": len(SEEDS),
        "runs": args.runs,
        "parse_s_median": round(statistics.median(parse_runs), 4),
        "parse_s_runs": [round(x, 4) for x in parse_runs],
        "import_sqlite_s_median": round(statistics.median(import_runs), 3),
        "import_sqlite_s_runs": [round(x, 3) for x in import_runs],
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
