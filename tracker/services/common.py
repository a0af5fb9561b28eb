"""Small helpers shared by the workflow services."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.errors import Conflict


def today_of(now) -> date:
    """The local (Asia/Shanghai) date of ``now``."""
    return timezone.localdate(now)


def check_version(obj, version) -> None:
    """Refuse a write made against an older version of ``obj`` (optimistic locking).

    ``version`` None means the caller did not ask for the check (e.g. a command).
    """
    if version is not None and int(version) != obj.version:
        raise Conflict(
            "stale_version",
            _(
                "Someone else changed this while you were editing (your version {yours}, "
                "current {current}). Reload, compare and save again; nothing was saved."
            ).format(yours=version, current=obj.version),
            current_version=obj.version,
        )


def snapshot(obj, fields) -> dict:
    """The given fields of ``obj`` as a dict for an audit event's before/after."""
    return {name: getattr(obj, name) for name in fields}
