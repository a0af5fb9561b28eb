"""``python manage.py load_units [PATH …]``: load the unit registry and print the counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.registry import RegistryError, load_registry


class Command(BaseCommand):
    help = (
        "Load unit registry files (YAML) into jurisdictions, units, aliases and members. "
        "Without a path, loads every file in accounts/registry/data/. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="registry files to load")

    def handle(self, *args, paths, **options):
        try:
            counts = load_registry(paths or None)
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        for table, numbers in counts.items():
            detail = ", ".join(f"{value} {key}" for key, value in numbers.items())
            self.stdout.write(f"{table}: {detail}")
        self.stdout.write(self.style.SUCCESS("Unit registry loaded."))
