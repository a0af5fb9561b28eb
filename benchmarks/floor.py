"""The floor of the half-year rollup: one hand-written SQL query computing the same figures.

The rollup (``reports.services.rollup_period``) computes, per unit and document and per unit
overall, the counts of tasks assigned, done and overdue, of reports due, on time, late and
missing, and the mean target attainment. This query computes the same figures from the same
tables (the stored reporting periods and their ``sent_on`` included) in one statement, with
nothing written: the time the database itself needs, against which the rollup's time is
judged. ``tests/benchmarks/test_floor.py`` checks that it agrees with the rollup, figure by
figure.

Its shape, chosen from EXPLAIN ANALYZE at scales 1, 5 and 20 (PostgreSQL 15):

- ``counted`` is materialized once (one pass over assignment ⋈ task ⋈ document) with what
  the three branches need, the local days an assignment was done already computed;
- each branch aggregates on its own per (unit, document): the counted assignments; their
  reporting periods due in the period (hash join on a bitmap scan of the ``due_on`` index);
  the latest actual per (assignment, target), picked by ``row_number()`` over the few
  target actuals joined to their reports by primary key;
- the branches are stacked (UNION ALL) and summed per (unit, document), then per unit.
  Joining the aggregated branches to each other instead lets the planner, which has no
  statistics on CTE columns and estimates a few rows for the attainment branch, nest loops
  over tens of thousands of rows (the earlier version of this query took 188 s at scale 20).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

_LOCAL_DATE = {
    "postgresql": "(({col}) AT TIME ZONE %(tz)s)::date",
    "sqlite": "date({col}, %(offset)s)",
}

SQL = """
WITH counted AS MATERIALIZED (
    SELECT a.id, a.unit_id, t.document_id,
           CASE WHEN t.closed_at < %(as_of)s OR a.accepted_at < %(as_of)s
                THEN 1 ELSE 0 END AS done,
           COALESCE(a.evaluation_due_date, a.due_date) AS eval_due,
           CASE WHEN t.closed_at < %(as_of)s THEN {closed_day} END AS closed_day,
           CASE WHEN a.accepted_at < %(as_of)s THEN {accepted_day} END AS accepted_day
    FROM tracker_assignment a
    JOIN tracker_task t ON t.id = a.task_id
    JOIN clauses_policydocument d ON d.id = t.document_id
    WHERE a.is_active AND t.is_active AND d.jurisdiction_id = %(jurisdiction)s
      AND a.created_at < %(as_of)s
      AND (t.closed_at IS NULL OR t.closed_at >= %(start_at)s)
      AND (a.accepted_at IS NULL OR a.accepted_at >= %(start_at)s)
),
latest AS (
    SELECT c.unit_id, c.document_id, ta.target_id, ta.value,
           ROW_NUMBER() OVER (PARTITION BY r.assignment_id, ta.target_id
                              ORDER BY r.period_start DESC) AS nth
    FROM counted c
    JOIN tracker_progressreport r ON r.assignment_id = c.id
    JOIN tracker_targetactual ta ON ta.report_id = r.id
    WHERE r.first_submitted_at < %(as_of)s
),
parts AS (
    SELECT unit_id, document_id, COUNT(*) AS assigned, SUM(done) AS done,
           SUM(CASE WHEN done = 0 AND eval_due < %(cutoff)s THEN 1 ELSE 0 END) AS overdue,
           0 AS due, 0 AS on_time, 0 AS late, 0 AS missing, 0 AS total, 0 AS pairs
    FROM counted
    GROUP BY unit_id, document_id
    UNION ALL
    SELECT c.unit_id, c.document_id, 0, 0, 0, COUNT(*),
           SUM(CASE WHEN rp.sent_on <= rp.due_on THEN 1 ELSE 0 END),
           SUM(CASE WHEN rp.sent_on > rp.due_on AND rp.sent_on < %(cutoff)s THEN 1 ELSE 0 END),
           SUM(CASE WHEN rp.sent_on IS NULL OR rp.sent_on >= %(cutoff)s THEN 1 ELSE 0 END),
           0, 0
    FROM counted c
    JOIN tracker_reportingperiod rp ON rp.assignment_id = c.id
    WHERE rp.due_on >= %(start)s AND rp.due_on < %(cutoff)s
      AND (c.closed_day IS NULL OR c.closed_day >= rp.due_on)
      AND (c.accepted_day IS NULL OR c.accepted_day >= rp.due_on)
    GROUP BY c.unit_id, c.document_id
    UNION ALL
    SELECT l.unit_id, l.document_id, 0, 0, 0, 0, 0, 0, 0,
           SUM(CASE
               WHEN tg.comparator = 'gte' AND l.value >= tg.value THEN 1.0
               WHEN tg.comparator = 'gte' AND tg.value > 0 THEN l.value * 1.0 / tg.value
               WHEN tg.comparator = 'lte' AND l.value <= tg.value THEN 1.0
               WHEN tg.comparator = 'lte' AND l.value > 0 THEN tg.value * 1.0 / l.value
               WHEN l.value = tg.value THEN 1.0
               WHEN tg.comparator = 'eq' AND l.value > 0 AND tg.value > 0
                 THEN (CASE WHEN l.value < tg.value THEN l.value ELSE tg.value END) * 1.0
                    / (CASE WHEN l.value > tg.value THEN l.value ELSE tg.value END)
               ELSE 0.0 END),
           COUNT(*)
    FROM latest l
    JOIN clauses_target tg ON tg.id = l.target_id
    WHERE l.nth = 1
    GROUP BY l.unit_id, l.document_id
),
grouped AS (
    SELECT unit_id, document_id, SUM(assigned) AS assigned, SUM(done) AS done,
           SUM(overdue) AS overdue, SUM(due) AS due, SUM(on_time) AS on_time,
           SUM(late) AS late, SUM(missing) AS missing, SUM(total) AS total,
           SUM(pairs) AS pairs
    FROM parts
    GROUP BY unit_id, document_id
)
SELECT unit_id, document_id, assigned, done, overdue, due, on_time, late, missing,
       CASE WHEN pairs > 0 THEN total / pairs END AS attainment
FROM grouped
UNION ALL
SELECT unit_id, NULL, SUM(assigned), SUM(done), SUM(overdue), SUM(due), SUM(on_time),
       SUM(late), SUM(missing), CASE WHEN SUM(pairs) > 0 THEN SUM(total) / SUM(pairs) END
FROM grouped
GROUP BY unit_id
"""


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def floor_sql(vendor: str) -> str:
    """The query for a database vendor ("postgresql" or "sqlite")."""
    local = _LOCAL_DATE[vendor]
    return SQL.format(
        closed_day=local.format(col="t.closed_at"),
        accepted_day=local.format(col="a.accepted_at"),
    )


def floor_rows(connection, *, period) -> list[tuple]:
    """Run the floor query for ``period`` (ended: as of its end); one row per unit and
    document and one per unit (document NULL): unit, document, assigned, done, overdue,
    due, on time, late, missing, mean attainment (or NULL).

    A report counts as sent when its stored ``sent_on`` (the local day of its first
    submission) is before the cutoff day: the same test as ``first_submitted_at < as_of``,
    since *as of* is the local midnight that starts the cutoff day.
    """
    tz = timezone.get_current_timezone()
    start_at = _midnight(period.start)
    as_of = _midnight(period.end + timedelta(days=1))
    offset = as_of.utcoffset()
    params = {
        "jurisdiction": period.jurisdiction_id,
        "start_at": start_at,
        "as_of": as_of,
        "start": period.start,
        "cutoff": period.end + timedelta(days=1),
        "tz": str(tz),
        "offset": f"{int(offset.total_seconds() // 3600):+d} hours",
    }
    with connection.cursor() as cursor:
        cursor.execute(floor_sql(connection.vendor), params)
        return cursor.fetchall()
