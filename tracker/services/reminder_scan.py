"""The set-based write of a reminder scan: its log rows and its digests in a few statements.

The scan (``reminders.scan_reminders``) finds its rows in Python and hands them here. They
go into a temporary table (COPY on PostgreSQL), and the rest is a fixed number of SQL
statements whatever their number:

1. the recipients of the rows not logged yet (an anti-join on the log's unique key);
2. their digests, day by day from today: create the missing ones, lock the pending ones (so
   delivery cannot claim them under us) and take those; a recipient
   whose digest of the day has already gone tries the next day, up to ``max_days``;
3. one INSERT … SELECT of the rows, each already pointing at its digest, ON CONFLICT DO
   NOTHING: a concurrent scan's insert of the same key waits for it and is then skipped, so
   each key is won by exactly one run;
4. a digest created in step 2 that got no row (a concurrent scan logged them first) is
   deleted: a digest is never empty.

Choosing the digest before the insert spares the UPDATE of every new row afterwards, which
at province scale cost more than the insert itself.
"""

from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from tracker.choices import MessageStatus
from tracker.models import OutboundMessage, ReminderLog

ROWS = "reminder_scan_rows"
RECIPIENTS = "reminder_scan_recipients"
# The columns of a row handed to ``write_scan``, in order, with their temporary-table types.
ROW_COLUMNS = (
    ("assignment_id", "bigint"),
    ("kind", "varchar(30)"),
    ("due_date", "date"),
    ("step", "integer"),
    ("channel", "varchar(20)"),
    ("recipient_key", "varchar(40)"),
    ("user_id", "bigint"),
    ("unit_channel_id", "bigint"),
)
KEY = ("assignment_id", "kind", "due_date", "step", "channel", "recipient_key")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def write_scan(
    rows: list[tuple], *, run_id, today: date, now: datetime, max_days: int
) -> tuple[int, list[int]]:
    """Log the rows whose key is free and bundle them into their recipients' digests.

    ``rows`` are tuples of ``ROW_COLUMNS``. Returns (rows this call inserted, ids of the
    digests that got rows), in the caller's transaction.
    """
    if not rows:
        return 0, []
    with connection.cursor() as cursor:
        _load(cursor, rows)
        recipients = _recipients_of_new_rows(cursor)
        created = _digests(cursor, recipients, today=today, now=now, max_days=max_days)
        inserted = _insert_rows(cursor, run_id=run_id, now=now)
        message_ids = _message_ids(cursor, run_id) if inserted else []
        _drop_empty(created, message_ids)
        for table in (ROWS, RECIPIENTS):
            cursor.execute(f"DROP TABLE {_q(table)}")
    return inserted, message_ids


def _load(cursor, rows: list[tuple]) -> None:
    """Create the temporary tables and load the rows (COPY on PostgreSQL)."""
    columns = ", ".join(f"{_q(name)} {kind}" for name, kind in ROW_COLUMNS)
    names = ", ".join(_q(name) for name, _kind in ROW_COLUMNS)
    # Dropped first: two scans in one outer transaction (tests) would find it still there.
    for table in (ROWS, RECIPIENTS):
        cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
    cursor.execute(f"CREATE TEMPORARY TABLE {_q(ROWS)} ({columns})")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(RECIPIENTS)} (channel varchar(20), "
        "recipient_key varchar(40), user_id bigint, unit_channel_id bigint, "
        "message_id bigint, PRIMARY KEY (channel, recipient_key))"
    )
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {_q(ROWS)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {_q(ROWS)}")  # temporary tables get no autovacuum statistics
    else:
        adapt = connection.ops.adapt_datefield_value
        marks = ", ".join(["%s"] * len(ROW_COLUMNS))
        cursor.executemany(
            f"INSERT INTO {_q(ROWS)} ({names}) VALUES ({marks})",  # noqa: S608  # nosec B608
            [(r[0], r[1], adapt(r[2]), *r[3:]) for r in rows],
        )


def _recipients_of_new_rows(cursor) -> int:
    """Fill the recipients table with who has rows not logged yet; returns how many."""
    log = _q(ReminderLog._meta.db_table)
    same_key = " AND ".join(f"l.{_q(c)} = t.{_q(c)}" for c in KEY)
    cursor.execute(
        f"INSERT INTO {_q(RECIPIENTS)} (channel, recipient_key, user_id, unit_channel_id) "  # noqa: S608  # nosec B608
        "SELECT t.channel, t.recipient_key, MIN(t.user_id), MIN(t.unit_channel_id) "
        f"FROM {_q(ROWS)} t WHERE NOT EXISTS (SELECT 1 FROM {log} l WHERE {same_key}) "
        "GROUP BY t.channel, t.recipient_key"
    )
    count = cursor.rowcount
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {_q(RECIPIENTS)}")
    return count


def _digests(cursor, recipients: int, *, today: date, now: datetime, max_days: int) -> list[int]:
    """Give each recipient the pending digest of the first day (from today) that has one,
    creating it when missing; returns the ids of the digests created."""
    created: list[int] = []
    found = 0
    day = today
    for _attempt in range(max_days):
        if found >= recipients:
            break
        new, given = _create_digests(cursor, day=day, now=now)
        created += new
        found += given + _take_pending(cursor, day=day, now=now)
        day += timedelta(days=1)
    return created


def _create_digests(cursor, *, day: date, now: datetime) -> tuple[list[int], int]:
    """INSERT the missing digests of ``day`` of the recipients still without one, in key
    order (two scans wait for each other instead of deadlocking), and give them to those
    recipients (PostgreSQL; on SQLite ``_take_pending`` does); returns their ids and how
    many recipients got one here.

    A digest created here is invisible to others until the commit: it needs no lock. It is
    stamped as a taken one is (updated at ``now``).
    """
    message = _q(OutboundMessage._meta.db_table)
    recipients = _q(RECIPIENTS)
    from_recipients = {
        "channel": "r.channel",
        "recipient_key": "r.recipient_key",
        "user": "r.user_id",
        "unit_channel": "r.unit_channel_id",
    }
    values = {"day": day, "is_digest": True, "created_at": timezone.now(), "updated_at": now}
    columns, exprs, params = [], [], []
    for f in OutboundMessage._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(_q(f.column))
        if f.name in from_recipients:
            exprs.append(from_recipients[f.name])
        else:
            value = values[f.name] if f.name in values else f.get_default()
            exprs.append("%s")
            params.append(f.get_db_prep_save(value, connection))
    insert = (
        f"INSERT INTO {message} ({', '.join(columns)}) "  # noqa: S608  # nosec B608
        f"SELECT {', '.join(exprs)} FROM {recipients} r WHERE r.message_id IS NULL "
        "ORDER BY r.channel, r.recipient_key ON CONFLICT DO NOTHING "
        "RETURNING id, channel, recipient_key"
    )
    if connection.vendor == "postgresql":
        cursor.execute(
            f"WITH created AS ({insert}), taken AS (UPDATE {recipients} r "  # noqa: S608  # nosec B608
            "SET message_id = created.id FROM created WHERE r.channel = created.channel "
            "AND r.recipient_key = created.recipient_key RETURNING r.message_id) "
            "SELECT message_id FROM taken",
            params,
        )
        created = [pk for (pk,) in cursor.fetchall()]
        return created, len(created)
    # SQLite: _take_pending gives the new digests too (they are pending and of the day).
    cursor.execute(insert, params)
    return [pk for pk, _channel, _key in cursor.fetchall()], 0


def _take_pending(cursor, *, day: date, now: datetime) -> int:
    """Lock the pending digests of ``day`` of the recipients still without one and give
    them to those recipients; returns how many got one.

    Delivery claims a digest with a conditional UPDATE (pending → sending): one claimed
    after our lock waits for our commit and sends our rows too; one claimed before is no
    longer pending and is skipped, its recipient's rows wait for the next day's.
    """
    message = _q(OutboundMessage._meta.db_table)
    recipients = _q(RECIPIENTS)
    ops = connection.ops
    params = [ops.adapt_datetimefield_value(now), ops.adapt_datefield_value(day)]
    if connection.vendor == "postgresql":
        # Locked in id order (two scans queue up instead of deadlocking); exactly the rows
        # locked are taken: one that delivery claimed meanwhile is re-checked and skipped.
        cursor.execute(
            f"WITH locked AS (SELECT m.id, m.channel, m.recipient_key FROM {message} m "  # noqa: S608  # nosec B608
            f"JOIN {recipients} r ON m.channel = r.channel AND m.recipient_key = r.recipient_key "
            "WHERE m.is_digest AND m.day = %s AND m.status = %s AND r.message_id IS NULL "
            "ORDER BY m.id FOR UPDATE OF m), "
            f"stamped AS (UPDATE {message} m SET updated_at = %s FROM locked "
            "WHERE m.id = locked.id) "
            f"UPDATE {recipients} r SET message_id = locked.id FROM locked "
            "WHERE r.channel = locked.channel AND r.recipient_key = locked.recipient_key",
            [params[1], MessageStatus.PENDING, params[0]],
        )
        return cursor.rowcount
    # SQLite: the scan holds the database's write lock, so a second read sees the same rows.
    cursor.execute(
        f"UPDATE {message} SET updated_at = %s FROM {recipients} r "  # noqa: S608  # nosec B608
        f"WHERE {message}.is_digest AND {message}.day = %s AND {message}.status = %s "
        f"AND r.message_id IS NULL AND {message}.channel = r.channel "
        f"AND {message}.recipient_key = r.recipient_key",
        [*params, MessageStatus.PENDING],
    )
    cursor.execute(
        f"UPDATE {recipients} SET message_id = m.id FROM {message} m "  # noqa: S608  # nosec B608
        f"WHERE {recipients}.message_id IS NULL AND m.is_digest AND m.day = %s "
        f"AND m.status = %s AND m.channel = {recipients}.channel "
        f"AND m.recipient_key = {recipients}.recipient_key",
        [params[1], MessageStatus.PENDING],
    )
    return cursor.rowcount


def _insert_rows(cursor, *, run_id, now: datetime) -> int:
    """INSERT the rows of the recipients with new rows, each with its digest (NULL when none
    was found within the days tried); a taken key is skipped. Returns how many went in."""
    log = _q(ReminderLog._meta.db_table)
    names = [name for name, _kind in ROW_COLUMNS]
    columns = ", ".join(_q(c) for c in ("created_at", "run_id", *names, "note", "message_id"))
    selected = ", ".join(f"t.{_q(c)}" for c in names)
    run = ReminderLog._meta.get_field("run_id").get_db_prep_value(run_id, connection)
    cursor.execute(
        f"INSERT INTO {log} ({columns}) "  # noqa: S608  # nosec B608
        f"SELECT %s, %s, {selected}, '', r.message_id FROM {_q(ROWS)} t "
        f"JOIN {_q(RECIPIENTS)} r ON r.channel = t.channel AND r.recipient_key = t.recipient_key "
        "WHERE TRUE ON CONFLICT DO NOTHING",  # WHERE: SQLite's upsert needs it after a join
        [connection.ops.adapt_datetimefield_value(now), run],
    )
    return cursor.rowcount


def _message_ids(cursor, run_id) -> list[int]:
    """The digests that got this run's rows, in id order."""
    run = ReminderLog._meta.get_field("run_id").get_db_prep_value(run_id, connection)
    cursor.execute(
        f"SELECT DISTINCT message_id FROM {_q(ReminderLog._meta.db_table)} "  # noqa: S608  # nosec B608
        "WHERE run_id = %s AND message_id IS NOT NULL ORDER BY message_id",
        [run],
    )
    return [pk for (pk,) in cursor.fetchall()]


def _drop_empty(created: list[int], message_ids: list[int]) -> None:
    """Delete the digests this scan created that got no row (a concurrent scan won them)."""
    empty = sorted(set(created) - set(message_ids))
    for i in range(0, len(empty), 1000):
        OutboundMessage.objects.filter(pk__in=empty[i : i + 1000]).delete()
