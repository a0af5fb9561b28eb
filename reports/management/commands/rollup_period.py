"""``python manage.py rollup_period 2026H1 [--jurisdiction 深圳市] [--publish]``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Jurisdiction
from reports import services
from reports.models import parse_period_code
from tracker.errors import DomainError


class Command(BaseCommand):
    help = "Compute a half-year evaluation period (every jurisdiction with tasks by default)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="e.g. 2026H1")
        parser.add_argument(
            "--jurisdiction", action="append", help="Name of a jurisdiction (repeatable)."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish right after computing (waives the appeal window; audited).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Compute a period that has not ended (as of now)."
        )
        parser.add_argument("--at", help="Compute as of this ISO date-time instead of now.")

    def handle(self, *args, code, jurisdiction, publish, force, at, **options):
        try:
            parse_period_code(code)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        now = timezone.now()
        if at:
            from reports.tasks import _parse

            now = _parse(at)
        if jurisdiction:
            jurisdictions = list(Jurisdiction.objects.filter(name__in=jurisdiction))
            missing = set(jurisdiction) - {j.name for j in jurisdictions}
            if missing:
                raise CommandError(f"unknown jurisdiction(s): {', '.join(sorted(missing))}")
        else:
            jurisdictions = list(
                Jurisdiction.objects.filter(documents__tasks__isnull=False).distinct()
            )
        for j in jurisdictions:
            try:
                period = services.rollup_period(jurisdiction=j, code=code, now=now, force=force)
                rows = period.snapshots.count()
                self.stdout.write(f"{period}: {rows} rows")
                if publish:
                    services.publish_period(period=period, by=None, now=now, before_deadline=True)
                    self.stdout.write(f"{period}: published")
            except DomainError as error:
                raise CommandError(f"{j}: {error.code}: {error.message}") from None
