"""Fixtures of the fault tests: skips with a reason, private servers, the reminder world."""

import contextlib
from datetime import date

import pytest
from django.conf import settings

from tests.conftest import make_world

from .helpers import PrivatePostgres, PrivateRedis, postgres_bin

# The reminder scan of the fault tests runs as of this moment (a Wednesday, a working day).
AT = "2026-10-21T09:00:00+08:00"


# Skips at collection, before any database is set up for the test.
needs_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="fault tests need PostgreSQL: run them with DATABASE_URL=postgres://… as .ci/run "
    "does (SQLite has no row locks, no server to restart)",
)


@pytest.fixture
def private_redis(tmp_path):
    """A started Redis of the test's own (redis-server on a free port), killed at the end."""
    redis = PrivateRedis(tmp_path)
    try:
        redis.start()
    except FileNotFoundError:
        pytest.skip("fault tests need redis-server (Redis 7) installed, as .ci/run does")
    yield redis
    redis.stop()


@pytest.fixture
def private_postgres():
    """A started PostgreSQL cluster of the test's own (initdb + pg_ctl), removed at the end."""
    if postgres_bin() is None:
        pytest.skip("fault tests need the PostgreSQL server binaries (initdb, pg_ctl)")
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def stack():
    """Ends what a test started (servers, workers), last started first, before the database
    fixtures flush the test database."""
    with contextlib.ExitStack() as exit_stack:
        yield exit_stack


def reminder_world():
    """The workflow world with e-mail addresses, its lead assignment seven working days
    overdue on AT (so the scan reminds the staff, and escalates to the leader and the
    supervisor) and the other assignments not due for months (no reminder of their own)."""
    from accounts.registry import load_registry
    from tracker.models import Assignment

    load_registry()
    w = make_world()
    for user in (w.staff, w.leader, w.supervisor, w.co_staff, w.other_staff):
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    Assignment.objects.filter(pk=w.lead.pk).update(
        start_date=date(2026, 9, 1), due_date=date(2026, 10, 12), report_cycle="once"
    )
    Assignment.objects.exclude(pk=w.lead.pk).update(
        start_date=date(2026, 9, 1), due_date=date(2026, 12, 31), report_cycle="once"
    )
    return w
