"""``python manage.py add_member USERNAME --role … --jurisdiction … [--unit …]``."""

from django.core.management.base import BaseCommand, CommandError, no_translations

from accounts.choices import Role
from accounts.models import Membership, User
from accounts.services import add_member
from tracker.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create or update a user and give them a role: staff or unit_leader of a unit "
        "(any name or alias the registry knows in the jurisdiction), or supervisor of a "
        "jurisdiction. A new user gets --password as an initial password to be changed at "
        "first sign-in, or an unusable password without it. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--jurisdiction", required=True, help="e.g. 深圳市")
        parser.add_argument("--unit", help="staff and unit_leader only, e.g. 市地方金融监管局")
        parser.add_argument("--password", help="initial password (checked against the policy)")
        parser.add_argument("--display-name", dest="display_name")

    @no_translations  # messages of the service come out in English, like the rest
    def handle(self, *args, username, role, jurisdiction, unit, password, display_name, **opts):
        existed = User.objects.filter(username=username.strip()).first()
        roles_before = dict(
            Membership.objects.filter(user__username=username.strip()).values_list("pk", "role")
        )
        try:
            membership = add_member(
                username=username,
                role=role,
                jurisdiction=jurisdiction,
                unit=unit,
                password=password,
                display_name=display_name,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

        user = membership.user
        where = membership.unit.name if membership.unit else membership.jurisdiction.name
        if existed is None:
            self.stdout.write(f"Created user {user.username}.")
            if user.has_usable_password():
                self.stdout.write("Initial password set: it must be changed at the first sign-in.")
            else:
                self.stdout.write(
                    f"No password given: {user.username} cannot sign in until one is set "
                    f"(python manage.py changepassword {user.username}); it must be changed "
                    "at the first sign-in."
                )
        elif password is not None and existed.password != user.password:
            self.stdout.write("Password set: it must be changed at the next sign-in.")
        if membership.pk not in roles_before:
            self.stdout.write(
                self.style.SUCCESS(f"Added {user.username} as {membership.role} of {where}.")
            )
        elif roles_before[membership.pk] != membership.role:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Changed {user.username} from {roles_before[membership.pk]} to "
                    f"{membership.role} of {where}."
                )
            )
        else:
            self.stdout.write(f"{user.username} is already {membership.role} of {where}.")
