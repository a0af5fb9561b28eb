"""Run the reminder scan now (or as of ``--at``) and deliver its messages in this process."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker import services


class Command(BaseCommand):
    help = (
        "Send today's reminders and escalations (催办/督办) and every message whose retry is "
        "due. Runs on any day, unlike the beat task, which skips days off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            help='Run as of this local time, e.g. "2026-06-25 09:00" (default: now).',
        )
        parser.add_argument(
            "--no-deliver",
            action="store_true",
            help="Only log and bundle the reminders; a worker delivers them.",
        )

    def handle(self, *args, at=None, no_deliver=False, **options):
        now = timezone.now()
        if at:
            try:
                now = datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at: {exc}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = services.scan_reminders(now=now, queue=False)
        counts = {} if no_deliver else services.deliver_due_messages(now=now)
        self.stdout.write(
            f"{timezone.localtime(now):%Y-%m-%d %H:%M}: {result.reminders} new reminder(s) in "
            f"{len(set(result.message_ids))} message(s); delivered: "
            + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
        )
