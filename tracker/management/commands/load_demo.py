"""python manage.py load_demo: the unit registry, the seed documents, demo accounts [and history]."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.choices import Role
from accounts.models import Jurisdiction, Membership, Unit, User
from accounts.registry import load_registry
from clauses.resolver import resolve_units
from clauses.services import import_document
from tracker.demo_history import write_history
from tracker.errors import DomainError

DEMO_PASSWORD = "duban-demo"  # noqa: S105 - printed on purpose: demo accounts of a local first look  # nosec B105

# (username, display name, jurisdiction, unit name or None for a supervisor, role)
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", None, None, None),
    ("sz_supervisor", "深圳督查员", "深圳市", None, Role.SUPERVISOR),
    ("gz_supervisor", "广州督查员", "广州市", None, Role.SUPERVISOR),
    ("wh_supervisor", "武汉督查员", "武汉市", None, Role.SUPERVISOR),
    ("zz_supervisor", "郑州督查员", "郑州市", None, Role.SUPERVISOR),
    ("lyg_supervisor", "连云港督查员", "连云港市", None, Role.SUPERVISOR),
    ("sz_jrj_staff", "深圳金融局承办人", "深圳市", "市地方金融监管局", Role.STAFF),
    ("sz_jrj_leader", "深圳金融局负责人", "深圳市", "市地方金融监管局", Role.UNIT_LEADER),
    ("sz_pbc_staff", "人行深圳分行承办人", "深圳市", "中国人民银行深圳市分行", Role.STAFF),
    ("gz_kjj_staff", "广州科技局承办人", "广州市", "市科技局", Role.STAFF),
    ("zz_kjj_staff", "郑州科技局承办人", "郑州市", "市科技局", Role.STAFF),
    ("wh_jrb_staff", "武汉金融办承办人", "武汉市", "市委金融办", Role.STAFF),
]


class Command(BaseCommand):
    help = (
        "Load the unit registry, import the seed documents and create demo accounts (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            default=str(Path(settings.BASE_DIR) / "demo" / "seeds"),
            help="folder of seed documents",
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="also backdate the demo into 2026H1 and write its progress reports "
            "(once: skipped when any report exists)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed of the history")

    def handle(self, *args, **options):
        counts = load_registry()
        self.stdout.write(f"Unit registry: {counts}")
        for path in sorted(Path(options["seeds"]).glob("*.txt")):
            try:
                result = import_document(data=path.read_bytes(), filename=path.name)
            except DomainError as exc:
                self.stderr.write(f"{path.name}: {exc.code}: {exc.message} {exc.extra or ''}")
                continue
            for entry in result.documents:
                state = "imported" if entry.created else "already there"
                self.stdout.write(
                    f"{path.name}: {entry.document.title} [{entry.document.jurisdiction}] {state}"
                )
        self._accounts()
        if options["history"]:
            counts = write_history(seed=options["seed"])
            if counts.skipped:
                self.stdout.write("\nHistory: reports already exist, nothing written")
            else:
                self.stdout.write(
                    f"\nHistory of 2026H1: {counts.assignments} assignments, "
                    f"{counts.reports} reports ({counts.on_time} on time, {counts.late} late, "
                    f"{counts.missing} missing, {counts.accepted} accepted at 100 %), "
                    f"{counts.tasks_closed} tasks closed"
                )
        if connection.vendor == "postgresql":
            # A bulk load: give the planner its statistics now rather than at autovacuum's
            # next pass (inside a test's transaction, which autovacuum never sees, at all).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    @transaction.atomic
    def _accounts(self):
        self.stdout.write(
            f"\nDemo accounts (password for all, unless changed since: {DEMO_PASSWORD})"
        )
        for username, name, jurisdiction_name, unit_name, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"display_name": name}
            )
            if created:  # hashing is slow on purpose; a rerun keeps what is there
                user.set_password(DEMO_PASSWORD)
                # A published password: asked to change at sign-in unless DEBUG (make run).
                user.must_change_password = True
                user.is_staff = user.is_superuser = role is None
                user.save()
            where = "all jurisdictions (superuser)"
            if role is not None:
                jurisdiction = Jurisdiction.objects.get(name=jurisdiction_name)
                unit = None
                if unit_name:
                    unit = resolve_units(jurisdiction=jurisdiction, names=[unit_name])[
                        unit_name
                    ].unit
                    if unit is None:
                        unit = Unit.objects.get(jurisdiction=jurisdiction, name=unit_name)
                Membership.objects.get_or_create(
                    user=user, role=role, unit=unit, jurisdiction=jurisdiction
                )
                where = f"{jurisdiction_name} {unit.name if unit else ''}".strip()
            self.stdout.write(f"  {username:<16} {name:<12} {role or 'admin':<12} {where}")
