"""Check the audit trail's hash chain: any edited or deleted event is reported."""

from django.core.management.base import BaseCommand, CommandError

from tracker.audit import verify_chain
from tracker.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit 1 when a row was edited or deleted."

    def handle(self, *args, **options):
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"audit trail broken: {len(problems)} problem(s)")
        self.stdout.write(f"audit trail intact: {AuditEvent.objects.count()} events")
