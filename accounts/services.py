"""Account use cases: change a password, add a member, record a unit's succession.

Views, the admin, management commands and the API call these functions; none of them holds a
rule of its own. Each runs in one transaction and writes audit events in it.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clauses.choices import AssignmentRole
from clauses.resolver import resolve_units
from tracker import audit
from tracker.choices import Status
from tracker.errors import DomainError, NotAllowed
from tracker.models import Assignment
from tracker.services.tallies import refresh_unit_tallies

from .choices import Role
from .models import Jurisdiction, Membership, Unit, UnitAlias, User, normalize_name
from .scoping import supervised_jurisdictions

UNIT_ROLES = (Role.STAFF, Role.UNIT_LEADER)


# --- passwords -------------------------------------------------------------------------------


def _check_password_policy(password: str, user) -> None:
    """Raise DomainError ``password_invalid`` when AUTH_PASSWORD_VALIDATORS refuse ``password``."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            "password_invalid",
            " ".join(str(message) for message in exc.messages),
            errors=[str(message) for message in exc.messages],
        ) from exc


def change_password(*, user, new_password: str, ip_address: str | None = None) -> None:
    """Set ``user``'s own new password and clear ``must_change_password``.

    The password policy is checked here as well as in the form, so no caller can skip it, and
    the current password is refused as the new one: a forced change must really change it. The
    audit event records that the password changed, never the password.
    """
    _check_password_policy(new_password, user)
    if user.check_password(new_password):
        raise DomainError(
            "password_unchanged", _("The new password must differ from the current one.")
        )
    with transaction.atomic():
        was_forced = user.must_change_password
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit.record(
            action="user.password_changed",
            obj=user,
            actor=user,
            before={"must_change_password": was_forced},
            after={
                "must_change_password": False
            },  # a flag's or code's value, not a password  # nosec B105
            ip_address=ip_address,
        )


# --- members ---------------------------------------------------------------------------------


def _jurisdiction(value) -> Jurisdiction:
    """The jurisdiction given as an object, a name (深圳市) or a short name (深圳)."""
    if isinstance(value, Jurisdiction):
        return value
    name = (value or "").strip()
    found = (
        Jurisdiction.objects.filter(name=name).first()
        or Jurisdiction.objects.filter(short_name=name).exclude(short_name="").first()
    )
    if found is None:
        raise DomainError(
            "unknown_jurisdiction",
            _("There is no jurisdiction named “{name}”.").format(name=name),
        )
    return found


def _check_may_manage(by, jurisdiction: Jurisdiction) -> None:
    """Only a superuser or a supervisor of the jurisdiction manages its people and units.

    ``by`` is None for management commands, which run with the operator's full rights.
    """
    if by is None or by.is_superuser:
        return
    if not supervised_jurisdictions(by).filter(pk=jurisdiction.pk).exists():
        raise NotAllowed(
            "not_allowed",
            _("You do not supervise {jurisdiction}.").format(jurisdiction=jurisdiction.name),
        )


def _member_unit(role: str, jurisdiction: Jurisdiction, unit) -> Unit | None:
    """The unit a membership of ``role`` belongs to, resolved like names in documents."""
    if role == Role.SUPERVISOR:
        if unit:
            raise DomainError(
                "unit_not_allowed",
                _("A supervisor belongs to a jurisdiction, not to a unit: give no unit."),
            )
        return None
    if not unit:
        raise DomainError(
            "unit_required", _("Staff and unit leaders belong to a unit: give the unit.")
        )
    if isinstance(unit, Unit):
        found = unit if unit.is_active and unit.jurisdiction_id == jurisdiction.pk else None
        name = unit.name
    else:
        name = unit.strip()
        resolution = resolve_units(jurisdiction=jurisdiction, names=[name])[name]
        found = resolution.unit
        if found is None:
            message = _("No active unit named “{name}” in {jurisdiction}.").format(
                name=name, jurisdiction=jurisdiction.name
            )
            if resolution.suggestions:
                message += " " + _("Did you mean: {names}?").format(
                    names="、".join(s.name for s in resolution.suggestions)
                )
            raise DomainError(
                "unknown_unit",
                message,
                suggestions=[s.name for s in resolution.suggestions],
            )
    if found is None:
        raise DomainError(
            "unknown_unit",
            _("No active unit named “{name}” in {jurisdiction}.").format(
                name=name, jurisdiction=jurisdiction.name
            ),
        )
    if found.is_collective:
        raise DomainError(
            "collective_unit",
            _(
                "“{name}” stands for several units: people belong to one real body, "
                "give that body instead."
            ).format(name=found.name),
        )
    return found


def _username(username: str) -> str:
    """The username stripped and checked against the User model's own rules."""
    username = (username or "").strip()
    if not username:
        raise DomainError("invalid_username", _("A username is required."))
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise DomainError("invalid_username", " ".join(exc.messages)) from exc
    return username


def add_member(
    *,
    username: str,
    role: str,
    jurisdiction,
    unit=None,
    password: str | None = None,
    display_name: str | None = None,
    by=None,
) -> Membership:
    """Create or update a user and give them ``role`` in ``jurisdiction`` (and ``unit``).

    ``unit`` may be any spelling the registry knows in that jurisdiction (the resolver of
    document intake decides), or a Unit. Staff and unit leaders need a unit that is one real
    body (not a collective such as 各区); a supervisor has none. A person holds one role per
    unit: adding ``unit_leader`` to a staff member of the same unit changes the role.

    A new user given ``password`` gets it as an initial password, checked against the password
    policy; a new user without one gets an unusable password. Either way the first sign-in
    asks for a new password. Everything is checked before anything is written, and a repeated
    call with the same arguments changes nothing.
    """
    username = _username(username)
    if role not in Role.values:
        raise DomainError(
            "unknown_role",
            _("Unknown role “{role}”: use one of {roles}.").format(
                role=role, roles=", ".join(Role.values)
            ),
        )
    juris = _jurisdiction(jurisdiction)
    _check_may_manage(by, juris)
    member_unit = _member_unit(role, juris, unit)
    display_name = (display_name or "").strip() or None
    user = User.objects.filter(username=username).first()
    if password is not None:
        candidate = user or User(username=username, display_name=display_name or "")
        _check_password_policy(password, candidate)

    with transaction.atomic():
        user_created = user is None
        if user_created:
            user = User(username=username, display_name=display_name or "")
            if password is not None:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.must_change_password = True
            user.save()
        else:
            user = User.objects.select_for_update().get(pk=user.pk)
            _update_user(user, password=password, display_name=display_name, by=by)
        membership = _upsert_membership(
            user=user,
            role=role,
            jurisdiction=juris,
            unit=member_unit,
            user_created=user_created,
            initial_password=password is not None,
            by=by,
        )
    return membership


def _update_user(user: User, *, password: str | None, display_name: str | None, by) -> None:
    """Apply a new display name or password to an existing user, each with its event."""
    if display_name and display_name != user.display_name:
        before = user.display_name
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        audit.record(
            action="user.updated",
            obj=user,
            actor=by,
            before={"display_name": before},
            after={"display_name": display_name},
        )
    if password is not None and not user.check_password(password):
        # Set by someone else: the person must choose their own at the next sign-in.
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        audit.record(
            action="user.password_set",
            obj=user,
            actor=by,
            after={
                "must_change_password": True
            },  # a flag's or code's value, not a password  # nosec B105
        )


def _upsert_membership(
    *, user, role, jurisdiction, unit, user_created: bool, initial_password: bool, by
) -> Membership:
    """The membership of ``user`` with ``role``: found, re-roled within the unit, or added."""
    exact = Membership.objects.filter(
        user=user, role=role, unit=unit, jurisdiction=jurisdiction
    ).first()
    if exact is not None:
        return exact
    if unit is not None:
        other = (
            Membership.objects.select_for_update()
            .filter(user=user, unit=unit, role__in=UNIT_ROLES)
            .first()
        )
        if other is not None:
            before = other.role
            other.role = role
            other.save(update_fields=["role", "updated_at"])
            audit.record(
                action="membership.role_changed",
                obj=other,
                actor=by,
                before={"role": before},
                after={"role": role},
            )
            return other
    membership = Membership(user=user, role=role, unit=unit, jurisdiction=jurisdiction)
    membership.full_clean()
    membership.save()
    audit.record(
        action="membership.added",
        obj=membership,
        actor=by,
        after={
            "user": user.username,
            "role": role,
            "jurisdiction": jurisdiction.name,
            "unit": unit.name if unit else None,
            "user_created": user_created,
            "initial_password": initial_password if user_created else None,
        },
    )
    return membership


# --- unit succession -------------------------------------------------------------------------


def succeed_unit(*, old: Unit, successor: Unit, by, ip_address: str | None = None) -> dict:
    """Record that ``successor`` took over ``old``'s work (a rename or a merger); return counts.

    In one transaction: ``old`` points at its successor and becomes inactive; its open
    assignments (active, task not closed, not done) move to the successor, or are merged into
    the successor's assignment on the same task (the old one is deactivated, and the successor
    leads if either led); done and closed work stays with ``old`` so history keeps the name
    under which it was done. Every spelling of ``old`` (its canonical and short names
    included) becomes an alias of the successor, so documents that still print the old name
    resolve to the body that now does the work. Staff and unit leaders move too; where a
    person already holds the same role at the successor, the old membership is removed.

    The counts returned: assignments_moved, assignments_merged, assignments_kept,
    aliases_moved, aliases_added, memberships_moved, memberships_merged.
    """
    with transaction.atomic():
        # Lock both units in primary-key order, then check their state as locked.
        locked = {
            u.pk: u
            for u in Unit.objects.select_for_update()
            .filter(pk__in=[old.pk, successor.pk])
            .select_related("jurisdiction")
            .order_by("pk")
        }
        old, successor = locked[old.pk], locked[successor.pk]
        _check_succession(old=old, successor=successor, by=by)

        counts = dict.fromkeys(
            (
                "assignments_moved",
                "assignments_merged",
                "assignments_kept",
                "aliases_moved",
                "aliases_added",
                "memberships_moved",
                "memberships_merged",
            ),
            0,
        )
        _move_assignments(old=old, successor=successor, by=by, ip=ip_address, counts=counts)
        _move_aliases(old=old, successor=successor, counts=counts)
        _move_memberships(old=old, successor=successor, counts=counts)
        refresh_unit_tallies([old.pk, successor.pk])

        was_active = old.is_active
        old.successor = successor
        old.is_active = False
        old.save(update_fields=["successor", "is_active", "updated_at"])
        audit.record(
            action="unit.succeeded",
            obj=old,
            actor=by,
            before={"name": old.name, "is_active": was_active, "successor": None},
            after={
                "name": old.name,
                "is_active": False,
                "successor": successor.name,
                "successor_id": successor.pk,
                **counts,
            },
            ip_address=ip_address,
        )
    return counts


def _check_succession(*, old: Unit, successor: Unit, by) -> None:
    """Refuse a successor that is the unit itself, elsewhere, inactive, or closes a loop."""
    _check_may_manage(by, old.jurisdiction)
    if old.pk == successor.pk:
        raise DomainError("successor_is_self", _("A unit cannot succeed itself."))
    if successor.jurisdiction_id != old.jurisdiction_id:
        raise DomainError(
            "successor_other_jurisdiction",
            _("The successor must be a unit of {jurisdiction}.").format(
                jurisdiction=old.jurisdiction.name
            ),
        )
    if not successor.is_active:
        raise DomainError(
            "successor_inactive",
            _("“{name}” is inactive: choose the body that does the work now.").format(
                name=successor.name
            ),
        )
    if old.successor_id is not None:
        raise DomainError(
            "already_succeeded",
            _("“{name}” already has a successor.").format(name=old.name),
        )
    if successor.is_collective and not old.is_collective:
        raise DomainError(
            "successor_collective",
            _("“{name}” stands for several units and cannot take over one body's work.").format(
                name=successor.name
            ),
        )
    seen = {old.pk, successor.pk}
    next_id = successor.successor_id
    while next_id is not None:
        if next_id in seen:
            raise DomainError(
                "succession_loop",
                _("“{name}” is itself succeeded, directly or not, by “{old}”.").format(
                    name=successor.name, old=old.name
                ),
            )
        seen.add(next_id)
        next_id = Unit.objects.filter(pk=next_id).values_list("successor_id", flat=True).first()


def _move_assignments(*, old: Unit, successor: Unit, by, ip, counts: dict) -> None:
    """Move or merge the old unit's open assignments; count the ones left as history."""
    open_ = list(
        Assignment.objects.filter(unit=old, is_active=True, task__closed_at__isnull=True)
        .exclude(status=Status.DONE)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    counts["assignments_kept"] = Assignment.objects.filter(unit=old).count() - len(open_)
    theirs = {
        a.task_id: a
        for a in Assignment.objects.select_for_update()
        .filter(unit=successor, task_id__in=[a.task_id for a in open_])
        .order_by("pk")
    }
    for assignment in open_:
        target = theirs.get(assignment.task_id)
        if target is None:
            assignment.unit = successor
            assignment.version += 1
            assignment.save(update_fields=["unit", "version", "updated_at"])
            audit.record(
                action="assignment.moved",
                obj=assignment,
                actor=by,
                before={"unit_id": old.pk, "unit": old.name},
                after={"unit_id": successor.pk, "unit": successor.name},
                ip_address=ip,
            )
            counts["assignments_moved"] += 1
            continue
        # The successor already works on this task: one assignment remains, theirs.
        before_role, before_active = target.role, target.is_active
        if assignment.role == AssignmentRole.LEAD:
            target.role = AssignmentRole.LEAD
        target.is_active = True
        if (target.role, target.is_active) != (before_role, before_active):
            target.version += 1
            target.save(update_fields=["role", "is_active", "version", "updated_at"])
        assignment.is_active = False
        assignment.version += 1
        assignment.save(update_fields=["is_active", "version", "updated_at"])
        audit.record(
            action="assignment.merged",
            obj=assignment,
            actor=by,
            before={"is_active": True, "role": assignment.role, "unit": old.name},
            after={
                "is_active": False,
                "merged_into": target.pk,
                "unit": successor.name,
                "successor_role": target.role,
            },
            ip_address=ip,
        )
        counts["assignments_merged"] += 1


def _move_aliases(*, old: Unit, successor: Unit, counts: dict) -> None:
    """Every spelling of the old unit now names the successor.

    An alias key is unique within a jurisdiction, so moving cannot collide with the
    successor's own spellings; the old canonical and short names are added where no alias
    holds them yet (units created by hand may lack them), and never taken from a third unit.
    """
    counts["aliases_moved"] = UnitAlias.objects.filter(unit=old).update(
        unit=successor, updated_at=timezone.now()
    )
    for spelling in dict.fromkeys(s for s in (old.name, old.short_name) if s):
        taken = UnitAlias.objects.filter(
            jurisdiction_id=old.jurisdiction_id, normalized=normalize_name(spelling)
        ).exists()
        if not taken:
            UnitAlias.objects.create(
                unit=successor, jurisdiction_id=old.jurisdiction_id, name=spelling
            )
            counts["aliases_added"] += 1


def _move_memberships(*, old: Unit, successor: Unit, counts: dict) -> None:
    """Staff and unit leaders of the old unit now work at the successor."""
    for membership in (
        Membership.objects.select_for_update().filter(unit=old, role__in=UNIT_ROLES).order_by("pk")
    ):
        duplicate = Membership.objects.filter(
            user_id=membership.user_id,
            role=membership.role,
            unit=successor,
            jurisdiction_id=membership.jurisdiction_id,
        ).exists()
        if duplicate:
            membership.delete()
            counts["memberships_merged"] += 1
        else:
            membership.unit = successor
            membership.save(update_fields=["unit", "updated_at"])
            counts["memberships_moved"] += 1
