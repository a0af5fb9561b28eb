"""The worker heartbeat shown by /healthz/."""

from datetime import datetime
from pathlib import Path

from django.conf import settings


def heartbeat_path() -> Path:
    return Path(settings.DATA_DIR) / "heartbeat"


def record_heartbeat(*, now: datetime) -> None:
    """Note that a Celery worker ran a task sent by beat, for /healthz and operators.

    A file rather than a row: it must work before migrations and never contend with the
    database the worker is there to serve.
    """
    path = heartbeat_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(now.isoformat())


def last_heartbeat() -> str | None:
    """The time of the last heartbeat as ISO text, or None when no worker has run one."""
    try:
        return heartbeat_path().read_text().strip() or None
    except OSError:
        return None
