"""python manage.py generate_load --scale N: province-sized load data for benchmarks."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tracker.errors import DomainError
from tracker.loadgen import (
    DEFAULT_TODAY,
    JURISDICTION_NAME,
    LOAD_PASSWORD,
    SUPERVISOR_USERNAME,
    generate_load,
)


class Command(BaseCommand):
    help = (
        f"Generate deterministic load data in one jurisdiction ({JURISDICTION_NAME}): scale 1 "
        "is a city (50 documents, 1,500 tasks, 300 units, 3,000 users, ~50,000 reports), "
        "scale 20 a province. For benchmark and test databases only: every account it creates "
        "has a published password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True, help="e.g. 0.1, 1, 5, 20")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today",
            default=DEFAULT_TODAY.isoformat(),
            help="last day of the two years of history, YYYY-MM-DD (default: %(default)s)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the previous load jurisdiction, its data and its users first",
        )
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="write with bulk_create even on PostgreSQL (to compare with COPY)",
        )

    def handle(self, *args, scale, seed, today, replace, no_copy, **options):
        try:
            day = date.fromisoformat(today)
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc
        try:
            result = generate_load(
                scale=scale,
                seed=seed,
                today=day,
                replace=replace,
                log=self.stdout.write,
                use_copy=False if no_copy else None,
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write("\nRows written:")
        for label, count in result.counts.items():
            self.stdout.write(f"  {label:<28} {count:>10,}")
        sent = result.on_time + result.late
        owed = sent + result.missing
        if owed:
            self.stdout.write(
                f"\nReports owed {owed:,}: on time {result.on_time / owed:.0%}, "
                f"late {result.late / owed:.0%}, missing {result.missing / owed:.0%}"
            )
        self.stdout.write("Seconds: " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Load data of scale {scale:g} (seed {seed}, as of {day}) in {JURISDICTION_NAME}; "
                f"supervisor {SUPERVISOR_USERNAME}, password for all accounts: {LOAD_PASSWORD}"
            )
        )
