"""The floor of the half-year rollup: one hand-written SQL query computing the same figures.

The rollup (``reports.services.rollup_period``) computes, per unit and document and per unit
overall, the counts of tasks assigned, done and overdue, of reports due, on time, late and
missing, and the mean target attainment. This query computes the same figures from the same
tables (the stored reporting periods included) in one statement, with nothing written: the
time the database itself needs, against which the rollup's time is judged.
``tests/benchmarks/test_floor.py`` checks that it agrees with the rollup, figure by figure.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

_LOCAL_DATE = {
    "postgresql": "(({col}) AT TIME ZONE %(tz)s)::date",
    "sqlite": "date({col}, %(offset)s)",
}

SQL = """
WITH counted AS (
    SELECT a.id, a.unit_id, t.document_id, t.closed_at,
           COALESCE(a.evaluation_due_date, a.due_date) AS eval_due, a.accepted_at
    FROM tracker_assignment a
    JOIN tracker_task t ON t.id = a.task_id
    JOIN clauses_policydocument d ON d.id = t.document_id
    WHERE a.is_active AND t.is_active AND d.jurisdiction_id = %(jurisdiction)s
      AND a.created_at < %(as_of)s
      AND (t.closed_at IS NULL OR t.closed_at >= %(start_at)s)
      AND (a.accepted_at IS NULL OR a.accepted_at >= %(start_at)s)
),
tasks AS (
    SELECT unit_id, document_id,
           COUNT(*) AS assigned,
           SUM(CASE WHEN closed_at < %(as_of)s OR accepted_at < %(as_of)s
                    THEN 1 ELSE 0 END) AS done,
           SUM(CASE WHEN (closed_at IS NULL OR closed_at >= %(as_of)s)
                     AND (accepted_at IS NULL OR accepted_at >= %(as_of)s)
                     AND eval_due < %(cutoff)s THEN 1 ELSE 0 END) AS overdue
    FROM counted GROUP BY unit_id, document_id
),
dues AS (
    SELECT c.unit_id, c.document_id, rp.due_on, {sent_day} AS sent_on
    FROM counted c
    JOIN tracker_reportingperiod rp ON rp.assignment_id = c.id
    LEFT JOIN tracker_progressreport r
      ON r.assignment_id = c.id AND r.period_start = rp.period_start
     AND r.first_submitted_at < %(as_of)s
    WHERE rp.due_on >= %(start)s AND rp.due_on < %(cutoff)s
      AND (c.closed_at IS NULL OR c.closed_at >= %(as_of)s OR {closed_day} >= rp.due_on)
      AND (c.accepted_at IS NULL OR c.accepted_at >= %(as_of)s OR {accepted_day} >= rp.due_on)
),
reports AS (
    SELECT unit_id, document_id, COUNT(*) AS due,
           SUM(CASE WHEN sent_on <= due_on THEN 1 ELSE 0 END) AS on_time,
           SUM(CASE WHEN sent_on > due_on THEN 1 ELSE 0 END) AS late,
           SUM(CASE WHEN sent_on IS NULL THEN 1 ELSE 0 END) AS missing
    FROM dues GROUP BY unit_id, document_id
),
latest AS (
    SELECT r.assignment_id, ta.target_id, MAX(r.period_start) AS period_start
    FROM tracker_targetactual ta
    JOIN tracker_progressreport r ON r.id = ta.report_id
    JOIN counted c ON c.id = r.assignment_id
    WHERE r.first_submitted_at < %(as_of)s
    GROUP BY r.assignment_id, ta.target_id
),
actuals AS (
    SELECT c.unit_id, c.document_id,
           SUM(CASE
               WHEN tg.comparator = 'gte' AND ta.value >= tg.value THEN 1.0
               WHEN tg.comparator = 'gte' AND tg.value > 0 THEN ta.value * 1.0 / tg.value
               WHEN tg.comparator = 'lte' AND ta.value <= tg.value THEN 1.0
               WHEN tg.comparator = 'lte' AND ta.value > 0 THEN tg.value * 1.0 / ta.value
               WHEN ta.value = tg.value THEN 1.0
               WHEN tg.comparator = 'eq' AND ta.value > 0 AND tg.value > 0
                 THEN (CASE WHEN ta.value < tg.value THEN ta.value ELSE tg.value END) * 1.0
                    / (CASE WHEN ta.value > tg.value THEN ta.value ELSE tg.value END)
               ELSE 0.0 END) AS total,
           COUNT(*) AS pairs
    FROM latest l
    JOIN counted c ON c.id = l.assignment_id
    JOIN tracker_progressreport r
      ON r.assignment_id = l.assignment_id AND r.period_start = l.period_start
    JOIN tracker_targetactual ta ON ta.report_id = r.id AND ta.target_id = l.target_id
    JOIN clauses_target tg ON tg.id = l.target_id
    GROUP BY c.unit_id, c.document_id
),
rows AS (
    SELECT t.unit_id, t.document_id, t.assigned, t.done, t.overdue,
           COALESCE(r.due, 0) AS due, COALESCE(r.on_time, 0) AS on_time,
           COALESCE(r.late, 0) AS late, COALESCE(r.missing, 0) AS missing,
           COALESCE(x.total, 0) AS total, COALESCE(x.pairs, 0) AS pairs
    FROM tasks t
    LEFT JOIN reports r ON r.unit_id = t.unit_id AND r.document_id = t.document_id
    LEFT JOIN actuals x ON x.unit_id = t.unit_id AND x.document_id = t.document_id
)
SELECT unit_id, document_id, assigned, done, overdue, due, on_time, late, missing,
       CASE WHEN pairs > 0 THEN total / pairs END AS attainment
FROM rows
UNION ALL
SELECT unit_id, NULL, SUM(assigned), SUM(done), SUM(overdue), SUM(due), SUM(on_time),
       SUM(late), SUM(missing), CASE WHEN SUM(pairs) > 0 THEN SUM(total) / SUM(pairs) END
FROM rows GROUP BY unit_id
"""


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def floor_sql(vendor: str) -> str:
    """The query for a database vendor ("postgresql" or "sqlite")."""
    local = _LOCAL_DATE[vendor]
    return SQL.format(
        sent_day=local.format(col="r.first_submitted_at"),
        closed_day=local.format(col="c.closed_at"),
        accepted_day=local.format(col="c.accepted_at"),
    )


def floor_rows(connection, *, period) -> list[tuple]:
    """Run the floor query for ``period`` (ended: as of its end); one row per unit and
    document and one per unit (document NULL): unit, document, assigned, done, overdue,
    due, on time, late, missing, mean attainment (or NULL)."""
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
