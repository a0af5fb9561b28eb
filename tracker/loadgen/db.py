"""Bulk writes of the load generator: explicit ids, COPY or INSERT, and the purge.

Rows are dicts keyed by field attname. Ids are allocated here (one past the largest id in the
table) so that rows can point at each other before they are written (an assignment at its
last report) and the biggest tables can go through PostgreSQL's COPY, which returns no ids.
Foreign keys are checked at the end of the transaction (PostgreSQL: dropped while loading and
added back; SQLite: deferred to the commit), so tables may be written in any order.
"""

import operator
import time
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

BATCH = 20000  # rows per COPY or INSERT statement
_ADAPTED = {"DateTimeField", "DateField", "DecimalField", "UUIDField", "JSONField"}


class Ids:
    """The next free primary key of each model, read once from the table."""

    def __init__(self):
        self._next: dict[type[models.Model], int] = {}

    def take(self, model, count: int = 1) -> int:
        """Reserve ``count`` consecutive ids of ``model``; returns the first."""
        if model not in self._next:
            largest = model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self._next[model] = largest + 1
        first = self._next[model]
        self._next[model] += count
        return first

    def analyze(self) -> None:
        """Refresh the planner's statistics of the tables written (PostgreSQL): ANALYZE in the
        transaction counts its own new rows, so the states refresh that follows, and the first
        requests after the commit, are planned for a million rows and not for an empty table."""
        if connection.vendor == "postgresql" and self._next:
            quote = connection.ops.quote_name
            tables = ", ".join(quote(model._meta.db_table) for model in self._next)
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {tables}")

    def reset_sequences(self) -> None:
        """Move the database's id sequences past the ids written (PostgreSQL; SQLite's
        AUTOINCREMENT follows explicit ids by itself)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._next))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


class Writer:
    """Inserts rows (dicts by attname) with COPY on PostgreSQL, else one executemany INSERT.

    Rows carry every timestamp themselves (the history is dated in the past; auto_now would
    stamp them with the moment of generation). Measured at scale 1 on PostgreSQL (2 busy
    cores): writing took 9 s with COPY, 32 s with executemany INSERT and 54 s with
    bulk_create, the last two with 6–19 s of foreign-key checks at commit on top.
    ``use_copy=False`` takes the INSERT path on PostgreSQL too, to compare. Counts rows per
    model label.
    """

    def __init__(self, *, use_copy: bool | None = None):
        self.use_copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        self.counts: dict[str, int] = {}
        self.seconds = 0.0  # spent writing, to tell it from generating

    def insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        start = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            (self._copy if self.use_copy else self._insert)(model, rows[i : i + BATCH])
        self.seconds += time.perf_counter() - start

    def _insert(self, model, rows: list[dict]) -> None:
        db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs per access
        fields = model._meta.concrete_fields
        # Only dates, times, decimals, UUIDs and JSON need the backend's adaptation.
        plan = [
            (f.attname, f.get_default(), f if f.get_internal_type() in _ADAPTED else None)
            for f in fields
        ]
        quote = db.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the models  # nosec B608
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        params = [
            [
                f.get_db_prep_save(row.get(name, default), db) if f else row.get(name, default)
                for name, default, f in plan
            ]
            for row in rows
        ]
        with db.cursor() as cursor:
            cursor.executemany(sql, params)

    def _copy(self, model, rows: list[dict]) -> None:
        from psycopg.types.json import Jsonb

        fields = model._meta.concrete_fields
        defaults = {f.attname: f.get_default() for f in fields}
        values = operator.itemgetter(*defaults)
        json = [f.attname for f in fields if isinstance(f, models.JSONField)]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                full = {**defaults, **row}
                for name in json:
                    full[name] = Jsonb(full[name])
                copy.write_row(values(full))


@contextmanager
def foreign_keys_checked_at_end(models_: list[type[models.Model]]):
    """On PostgreSQL, drop the foreign keys of ``models_`` while they are loaded and add them
    back at the end: one validating join per key instead of a row lock on the parent for
    every row written (most of the load's commit time otherwise).

    Everything happens in the caller's transaction, so a failure restores the keys with the
    rest. The tables stay locked until the commit: meant for a benchmark database.
    """
    if connection.vendor != "postgresql":
        yield
        return
    if not models_:
        yield
        return
    quote = connection.ops.quote_name
    dropped = []
    with connection.cursor() as cursor:
        # Checks still pending (from the purge) must run before their table can change.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                dropped.append((table, name, definition))
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in dropped:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _dependants(model):
    """Every foreign key that points at ``model`` (hidden ones included: related_name="+")."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def purge(queryset, *, skip: tuple = (), depth: int = 0) -> None:
    """Delete the rows of ``queryset`` and, first, every row that depends on them.

    Dependants are found through the models' foreign keys, so tables added later are covered:
    SET_NULL references are cleared, everything else (CASCADE, PROTECT, …) is deleted in turn.
    Models in ``skip`` are never touched (the caller has made sure nothing there points here).
    Plain SQL per table, nested subqueries, no rows loaded into Python: a million reports
    go in a few statements.
    """
    if depth > 12:
        raise RuntimeError(f"foreign keys nest too deep at {queryset.model.__name__}")
    model = queryset.model
    for rel in _dependants(model):
        if rel.related_model in skip:
            continue
        fk = rel.field
        target = fk.target_field.attname
        dependants = rel.related_model._base_manager.filter(
            **{f"{fk.name}__in": queryset.values(target)}
        )
        if rel.on_delete in (models.SET_NULL, models.SET_DEFAULT) or rel.related_model is model:
            # Self-references (a unit's successor, a report similar to another) are cleared,
            # not followed: the rows themselves are in ``queryset``.
            if fk.null:
                _update_null(dependants, fk)
            continue
        purge(dependants, skip=skip, depth=depth + 1)
    _delete(queryset)


def _update_null(queryset, fk) -> None:
    sql, params = queryset.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    table, pk = queryset.model._meta.db_table, queryset.model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote(fk.column)} = NULL WHERE {quote(pk)} IN ({sql})",  # noqa: S608 - names from the models, values as parameters  # nosec B608
            params,
        )


def _delete(queryset) -> None:
    # Raw SQL: QuerySet.delete() would load every row to run Django's own cascade.
    sql, params = queryset.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    table, pk = queryset.model._meta.db_table, queryset.model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(table)} WHERE {quote(pk)} IN ({sql})",  # noqa: S608 - names from the models, values as parameters  # nosec B608
            params,
        )
