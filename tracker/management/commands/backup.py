"""``python manage.py backup [--output PATH]``: database, uploaded files and manifest in one file."""

from django.core.management.base import BaseCommand, CommandError, no_translations

from tracker.backups import create_backup, default_backup_path
from tracker.errors import DomainError


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz or .tar) of the database (pg_dump on PostgreSQL, a consistent "
        "copy on SQLite), every file under MEDIA_ROOT and a manifest with row counts and "
        "SHA-256 checksums. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="archive to write, ending in .tar.gz, .tgz or .tar "
            "(default: duban-backup-<date>-<time>.tar.gz in the current folder)",
        )

    @no_translations  # messages of the service come out in English, like the rest
    def handle(self, *args, output=None, **options):
        path = output or default_backup_path()
        try:
            manifest = create_backup(path=path)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path}: {manifest['database']['vendor']} database "
                f"({rows} rows in the project tables), {len(manifest['media'])} media file(s)."
            )
        )
