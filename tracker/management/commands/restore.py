"""``python manage.py restore PATH [--no-input]``: put a backup back, after checking all of it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import connection

from tracker.backups import inspect_backup, restore_backup, unapplied_migrations
from tracker.errors import DomainError


class Command(BaseCommand):
    help = (
        "Replace the database and every file under MEDIA_ROOT with a backup made by "
        "`manage.py backup`. The archive is checked first (checksums, database vendor, "
        "migrations not newer than this code); a refused archive changes nothing. Stop the web "
        "server and the workers first; run `manage.py migrate` after restoring an older backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive written by `manage.py backup`")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    @no_translations  # messages of the service come out in English, like the rest
    def handle(self, *args, path, interactive=True, **options):
        try:
            manifest = inspect_backup(path=path)
            if interactive and not self._confirmed(manifest):
                self.stdout.write("Restore cancelled; nothing was changed.")
                return
            manifest = restore_backup(path=path)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']}: {rows} rows in the project "
                f"tables (counts verified), {len(manifest['media'])} media file(s)."
            )
        )
        pending = unapplied_migrations()
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {len(pending)} migration(s) of this version "
                    f"({', '.join(pending[:3])}{'…' if len(pending) > 3 else ''}): "
                    "run `python manage.py migrate` now."
                )
            )

    def _confirmed(self, manifest) -> bool:
        answer = input(
            f"This replaces the whole database {connection.settings_dict['NAME']!r} and every "
            f"file under {settings.MEDIA_ROOT} with the backup of {manifest['created_at']}.\n"
            "Everything written since then is lost. Type 'yes' to continue: "
        )
        return answer.strip().lower() == "yes"
