"""Turn a result of ``benchmarks.run`` into the table and plot of docs/performance.md.

    python -m benchmarks.report benchmarks/results/scale.json > docs/performance-table.md

The plots are Mermaid ``xychart-beta`` charts (rendered by GitHub and most Markdown viewers;
plain text otherwise), one line per operation, time against scale: one for requests (ms),
one for the jobs (s).
"""

import argparse
import json
from pathlib import Path

ROWS = (
    ("sizes.tasks", "tasks", "{:,}"),
    ("sizes.assignments", "assignments", "{:,}"),
    ("sizes.units", "units", "{:,}"),
    ("sizes.progress_reports", "progress reports", "{:,}"),
    ("import_docs_per_s", "import, documents/s", "{:.1f}"),
    ("dashboard_p50_ms", "dashboard summary p50, ms", "{:.0f}"),
    ("dashboard_p95_ms", "dashboard summary p95, ms", "{:.0f}"),
    ("document_p95_ms", "per-document page p95, ms", "{:.0f}"),
    ("queries_dashboard", "queries, dashboard summary", "{}"),
    ("queries_document", "queries, per-document page", "{}"),
    ("rollup_s", "rollup 2026H1, s", "{:.2f}"),
    ("rollup_floor_s", "its SQL floor, s", "{:.2f}"),
    ("rollup_ratio", "rollup ÷ floor", "{:.1f}×"),
    ("rollup_peak_mb", "rollup peak memory, MB", "{:.0f}"),
    ("reminder_scan_s", "reminder scan, s", "{:.1f}"),
    ("reminders", "reminders logged", "{:,}"),
    ("reminders_per_s", "reminders/s", "{:,.0f}"),
    ("api_rps", "API list, requests/s", "{:.0f}"),
    ("trivial_rps", "trivial endpoint, requests/s", "{:.0f}"),
    ("api_ratio", "trivial ÷ API", "{:.1f}×"),
)
PLOTS = (
    (
        "Requests against scale (ms)",
        (("dashboard_p95_ms", "dashboard summary p95"), ("document_p95_ms", "document page p95")),
    ),
    (
        "Daily and half-yearly jobs against scale (s)",
        (
            ("rollup_s", "rollup"),
            ("rollup_floor_s", "its SQL floor"),
            ("reminder_scan_s", "reminder scan"),
        ),
    ),
)


def _get(figures: dict, path: str):
    value = figures
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def table(result: dict) -> str:
    """The figures as a Markdown table, one column per scale."""
    scales = result["scales"]
    head = "| | " + " | ".join(f"scale {s}" for s in scales) + " |"
    lines = [head, "|---" * (len(scales) + 1) + "|"]
    for path, label, fmt in ROWS:
        cells = []
        for figures in scales.values():
            value = _get(figures, path)
            cells.append("—" if value is None else fmt.format(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(result: dict) -> str:
    """Mermaid line charts of the timed operations against scale: requests in ms, jobs in s."""
    scales = result["scales"]
    charts = []
    for title, series in PLOTS:
        values = [[float(_get(f, key) or 0) for f in scales.values()] for key, _ in series]
        top = max(max(v) for v in values)
        lines = [
            "```mermaid",
            "xychart-beta",
            f'    title "{title}: ' + ", ".join(label for _, label in series) + '"',
            "    x-axis [" + ", ".join(f'"{s}"' for s in scales) + "]",
            f"    y-axis 0 --> {max(1, round(top * 1.1))}",
        ]
        lines += ["    line [" + ", ".join(f"{v:.2f}" for v in row) + "]" for row in values]
        lines.append("```")
        charts.append("\n".join(lines))
    return "\n\n".join(charts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", type=Path)
    args = parser.parse_args()
    result = json.loads(args.result.read_text(encoding="utf-8"))
    machine = result["machine"]
    print(
        f"Measured {result['date']} on {machine['cpus']} × {machine['processor']}, "
        f"{machine.get('memory_gb', '?')} GiB, {machine['system']}, Python {machine['python']}, "
        f"{machine['database']}: `{result['command']}`\n"
    )
    print(table(result))
    print()
    print(plot(result))


if __name__ == "__main__":
    main()
