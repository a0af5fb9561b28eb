"""Load data: a province-sized jurisdiction with documents, tasks and two years of reports.

``generate_load(scale=N)`` builds, in one transaction, a realistic and deterministic dataset
(the same scale and seed always write the same rows) in ONE jurisdiction, 负载测试省, whose
supervisor ``load_supervisor`` sees all of it — the hard case for the dashboards. Scale 1 is
a city (50 documents, about 1,500 tasks, 300 units, 3,000 users, 50,000 reports), scale 20 a
province (1,000 documents, 30,000 tasks, 6,000 units, 60,000 users, about 1,000,000 reports).
Shapes follow the five seed documents (``words``): title and body lengths, units per task,
sections per document, the share of clauses with targets.

The rows are bulk writes of generated data, not workflow: no audit event, no notification.
Stored states are computed with the rules of ``tracker.services.states`` and checked by
``refresh_all_states`` at the end. ``document_texts`` renders other documents of the same
shape as text, for the import benchmark.

For benchmark and test databases only: every generated account has the published password
``LOAD_PASSWORD``.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import Jurisdiction, Membership, Unit, UnitAlias, User, normalize_name
from clauses.models import Clause, ClauseUnit, PolicyDocument, Target
from tracker.errors import DomainError
from tracker.models import (
    Assignment,
    AuditEvent,
    ProgressReport,
    ReportingPeriod,
    TargetActual,
    Task,
)
from tracker.services.states import refresh_all_states

from . import history
from . import words as w
from .db import Ids, Writer, foreign_keys_checked_at_end, purge
from .plan import (
    HISTORY_DAYS,
    JURISDICTION_NAME,
    JURISDICTION_SHORT,
    DocumentPlan,
    collective_members,
    plan_document,
    pools,
    render_text,
    unit_plans,
)

__all__ = [
    "DEFAULT_TODAY",
    "JURISDICTION_NAME",
    "JURISDICTION_SHORT",
    "LOAD_PASSWORD",
    "SUPERVISOR_USERNAME",
    "LoadResult",
    "Sizes",
    "document_texts",
    "generate_load",
    "load_sizes",
]

LOAD_PASSWORD = "duban-load-test"  # noqa: S105 - published on purpose: load-test accounts  # nosec B105
SUPERVISOR_USERNAME = "load_supervisor"
USER_PREFIX = "load_"
USERS_PER_UNIT = 10  # one unit leader and nine staff
DEFAULT_TODAY = date(2026, 7, 5)  # fixed, so that a seed always gives the same rows
MAX_SCALE = 200
DOCS_PER_BATCH = 20
# Tables written in bulk, in the order of their foreign keys.
BULK_MODELS = [
    Jurisdiction,
    Unit,
    UnitAlias,
    Unit.members.through,
    User,
    Membership,
    PolicyDocument,
    Clause,
    ClauseUnit,
    Target,
    Task,
    Assignment,
    ReportingPeriod,
    ProgressReport,
    TargetActual,
]


@dataclass(frozen=True)
class Sizes:
    """How much one scale generates (tasks and reports follow from the documents)."""

    documents: int
    units: int
    users: int


def load_sizes(scale: float) -> Sizes:
    """Documents, units and users of ``scale`` (fractions allowed; at least one document and
    six units, so that a clause can name several).

    Raises DomainError ``invalid_scale`` outside (0, MAX_SCALE].
    """
    if not isinstance(scale, int | float) or not 0 < scale <= MAX_SCALE:
        raise DomainError(
            "invalid_scale",
            _("The scale must be a number above 0 and at most {max}.").format(max=MAX_SCALE),
        )
    units = max(6, round(300 * scale))
    return Sizes(documents=max(1, round(50 * scale)), units=units, users=units * USERS_PER_UNIT + 1)


@dataclass
class LoadResult:
    """What ``generate_load`` wrote: rows per table, report timeliness, seconds per phase."""

    sizes: Sizes
    counts: dict[str, int] = field(default_factory=dict)
    on_time: int = 0
    late: int = 0
    missing: int = 0
    states_changed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _aware(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


def generate_load(
    *,
    scale: float,
    seed: int = 2026,
    today: date | None = None,
    replace: bool = False,
    log: Callable[[str], None] | None = None,
    use_copy: bool | None = None,
) -> LoadResult:
    """Write the load jurisdiction of ``scale`` in one transaction; returns what was written.

    Refuses (DomainError ``load_exists``, nothing written) when load data exists, unless
    ``replace``, which first deletes the previous load jurisdiction, its rows and its users.
    ``today`` (default DEFAULT_TODAY) ends the two years of history; the stored states are
    those of that day. ``use_copy`` chooses COPY or INSERT (default: COPY on PostgreSQL).
    """
    sizes = load_sizes(scale)
    today = today or DEFAULT_TODAY
    log = log or (lambda _message: None)
    result = LoadResult(sizes=sizes)
    clock = [time.perf_counter()]

    def lap(phase: str, message: str) -> None:
        now = time.perf_counter()
        result.seconds[phase] = round(now - clock[0], 1)
        clock[0] = now
        log(f"{message} ({result.seconds[phase]} s)")

    with transaction.atomic():
        existing = Jurisdiction.objects.filter(name=JURISDICTION_NAME).first()
        users = User.objects.filter(username__startswith=USER_PREFIX)
        previous = existing is not None or users.exists()
        if previous and not replace:
            raise DomainError(
                "load_exists",
                _("Load data ({name}) already exists: use --replace to generate it again.").format(
                    name=JURISDICTION_NAME
                ),
            )
        if previous:
            _check_removable()
        writer, ids = Writer(use_copy=use_copy), Ids()
        with foreign_keys_checked_at_end(BULK_MODELS if writer.use_copy else []):
            if previous:
                # The audit trail is append-only, and checked above not to name these rows.
                if existing is not None:
                    purge(Jurisdiction.objects.filter(pk=existing.pk), skip=(AuditEvent,))
                purge(users, skip=(AuditEvent,))
                lap("delete", "previous load data deleted")
            ctx, jurisdiction_id = _people(writer, ids, sizes, seed=seed, today=today)
            lap("people", f"jurisdiction, {sizes.units} units and {sizes.users} users")
            _documents(writer, ids, ctx, result, jurisdiction_id, sizes, seed=seed, log=log)
            lap("documents", f"{sizes.documents} documents and their history")
            result.seconds["writing"] = round(writer.seconds, 1)
            log(f"  of which writing rows ({result.seconds['writing']} s)")
        ids.reset_sequences()
        ids.analyze()
        lap("keys", "foreign keys checked, tables analysed")
        result.states_changed = refresh_all_states(today=today)
        lap("states", f"states refreshed, {result.states_changed} changed")
        result.counts = dict(sorted(writer.counts.items()))
    lap("commit", "committed")
    result.seconds["total"] = round(sum(v for k, v in result.seconds.items() if k != "writing"), 1)
    return result


def _check_removable() -> None:
    """Refuse to replace load data that the audit trail names: clearing its references
    would break the chain."""
    audit = AuditEvent.objects.filter(
        Q(actor__username__startswith=USER_PREFIX)
        | Q(jurisdiction__name=JURISDICTION_NAME)
        | Q(unit__jurisdiction__name=JURISDICTION_NAME)
    )
    if audit.exists():
        raise DomainError(
            "load_audited",
            _(
                "The audit trail records actions on the load data; it cannot be replaced. "
                "Generate it in a fresh database."
            ),
        )


def _people(writer: Writer, ids: Ids, sizes: Sizes, *, seed: int, today: date):
    """The jurisdiction, its units (with aliases and members), users and memberships."""
    rng = random.Random(f"{seed}:people")  # noqa: S311 - reproducible on purpose  # nosec B311
    stamp = _aware(today - timedelta(days=HISTORY_DAYS + 60))
    times = {"created_at": stamp, "updated_at": stamp}
    jurisdiction_id = ids.take(Jurisdiction)
    writer.insert(
        Jurisdiction,
        [
            {
                "id": jurisdiction_id,
                "name": JURISDICTION_NAME,
                "short_name": JURISDICTION_SHORT,
                "province": JURISDICTION_NAME,
                **times,
            }
        ],
    )
    plans = unit_plans(sizes.units)
    first_unit = ids.take(Unit, len(plans))
    unit_ids = [first_unit + i for i in range(len(plans))]
    writer.insert(
        Unit,
        [
            {
                "id": pk,
                "jurisdiction_id": jurisdiction_id,
                "name": u.name,
                "short_name": u.short_name if u.short_name != u.name else "",
                "kind": u.kind,
                "is_active": True,
                **times,
            }
            for pk, u in zip(unit_ids, plans, strict=True)
        ],
    )
    aliases = [(pk, name) for pk, u in zip(unit_ids, plans, strict=True) for name in u.aliases]
    writer.insert(
        UnitAlias,
        [
            {
                "id": ids.take(UnitAlias),
                "unit_id": pk,
                "jurisdiction_id": jurisdiction_id,
                "name": name,
                "normalized": normalize_name(name),
                **times,
            }
            for pk, name in aliases
        ],
    )
    through = Unit.members.through
    writer.insert(
        through,
        [
            {"id": ids.take(through), "from_unit_id": unit_ids[c], "to_unit_id": unit_ids[m]}
            for c, members in collective_members(plans).items()
            for m in members
        ],
    )

    password = make_password(LOAD_PASSWORD, salt="loadgen" + str(seed))
    supervisor_id = ids.take(User)
    users = [_user(supervisor_id, SUPERVISOR_USERNAME, "负载测试督查员", password, stamp)]
    memberships = [
        {
            "id": ids.take(Membership),
            "user_id": supervisor_id,
            "role": Role.SUPERVISOR,
            "unit_id": None,
            "jurisdiction_id": jurisdiction_id,
            **times,
        }
    ]
    ctx = history.Context(today=today, supervisor_id=supervisor_id, unit_ids=unit_ids)
    for index, unit_id in enumerate(unit_ids):
        first = ids.take(User, USERS_PER_UNIT)
        staff = []
        for k in range(USERS_PER_UNIT):
            name = rng.choice(w.SURNAMES) + "".join(
                rng.choice(w.GIVEN) for _ in range(rng.randint(1, 2))
            )
            users.append(
                _user(first + k, f"{USER_PREFIX}{index + 1:05d}_{k}", name, password, stamp)
            )
            memberships.append(
                {
                    "id": ids.take(Membership),
                    "user_id": first + k,
                    "role": Role.UNIT_LEADER if k == 0 else Role.STAFF,
                    "unit_id": unit_id,
                    "jurisdiction_id": jurisdiction_id,
                    **times,
                }
            )
            if k:
                staff.append(first + k)
        ctx.leader_ids.append(first)
        ctx.staff_ids.append(staff)
        ctx.profiles.append(history.unit_profile(rng))
    writer.insert(User, users)
    writer.insert(Membership, memberships)
    return ctx, jurisdiction_id


def _user(pk: int, username: str, name: str, password: str, joined: datetime) -> dict:
    return {
        "id": pk,
        "username": username,
        "display_name": name,
        "password": password,
        "is_active": True,
        "is_staff": False,
        "is_superuser": False,
        "must_change_password": False,  # a flag's or published load-test value, not a secret  # nosec B105
        "date_joined": joined,
        "last_login": None,
    }


def _documents(writer, ids, ctx, result, jurisdiction_id, sizes, *, seed, log) -> None:
    """Documents in batches: plan, build every row of the batch, write it, forget it."""
    plans = unit_plans(sizes.units)
    by_pool = pools(plans)
    titles: set[str] = set()
    written = 0
    clock = time.perf_counter()
    for batch_start in range(0, sizes.documents, DOCS_PER_BATCH):
        rows = history.Rows()
        docs, clauses, clause_units, targets = [], [], [], []
        for index in range(batch_start, min(sizes.documents, batch_start + DOCS_PER_BATCH)):
            doc = plan_document(
                seed=seed,
                index=index,
                count=sizes.documents,
                units=plans,
                today=ctx.today,
                by_pool=by_pool,
            )
            if doc.title in titles:  # a second plan of the same theme: say which years
                doc.title += f"（{doc.issued_on.year}—{doc.issued_on.year + 2}年）"
            titles.add(doc.title)
            _document_rows(
                doc, plans, writer, ids, ctx, rows, jurisdiction_id, seed,
                docs=docs, clauses=clauses, clause_units=clause_units, targets=targets,
            )  # fmt: skip
        for model, batch in (
            (PolicyDocument, docs),
            (Clause, clauses),
            (ClauseUnit, clause_units),
            (Target, targets),
            (Task, rows.tasks),
            (Assignment, rows.assignments),
            (ReportingPeriod, rows.periods),
            (ProgressReport, rows.reports),
            (TargetActual, rows.actuals),
        ):
            writer.insert(model, batch)
        result.on_time += rows.on_time
        result.late += rows.late
        result.missing += rows.missing
        written += len(docs)
        log(
            f"  documents {written}/{sizes.documents}: "
            f"{writer.counts.get('tracker.Task', 0)} tasks, "
            f"{writer.counts.get('tracker.Assignment', 0)} assignments, "
            f"{writer.counts.get('tracker.ProgressReport', 0)} reports "
            f"({time.perf_counter() - clock:.1f} s)"
        )


def _document_rows(
    doc: DocumentPlan, plans, writer, ids, ctx, rows, jurisdiction_id, seed, *, docs, clauses,
    clause_units, targets,
) -> None:  # fmt: skip
    """Append the rows of one planned document and of its work to the batch."""
    rng = random.Random(f"{seed}:history:{doc.index}")  # noqa: S311 - reproducible on purpose  # nosec B311
    imported = ctx.at(doc.issued_on + timedelta(days=rng.randint(1, 5)), rng)
    times = {"created_at": imported, "updated_at": imported}
    doc_id = ids.take(PolicyDocument)
    docs.append(
        {
            "id": doc_id,
            "jurisdiction_id": jurisdiction_id,
            "lineage": doc.lineage,
            "version": 1,
            "is_current": True,
            "title": doc.title[:300],
            "kind": doc.kind,
            "doc_number": doc.doc_number,
            "issuers": [doc.issuer],
            "addressees": [a for a in doc.addressees.rstrip("：").replace("，", "、").split("、")],
            "issued_on": doc.issued_on,
            "effective_from": doc.issued_on,
            "valid_years": doc.valid_years,
            "valid_until": doc.valid_until,
            "lead_rule": doc.lead_rule,
            "source_name": f"load_{doc.index + 1:04d}.txt",
            "source_file": "",
            "source_format": "txt",
            "content_hash": doc.content_hash,
            "imported_by_id": ctx.supervisor_id,
            **times,
        }
    )
    task_order = 0
    for order, clause in enumerate(doc.clauses, start=1):
        clause_id = ids.take(Clause)
        clauses.append(
            {
                "id": clause_id,
                "document_id": doc_id,
                "order": order,
                "label": clause.label,
                "section": clause.section,
                "title": clause.title,
                "body": clause.body,
                "unit_text": clause.unit_text(plans) if clause.units else "",
                "is_task": clause.is_task,
                "non_task_reason": clause.non_task_reason,
                "fingerprint": clause.fingerprint(plans),
                **times,
            }
        )
        for k, (unit, role) in enumerate(clause.units):
            clause_units.append(
                {
                    "id": ids.take(ClauseUnit),
                    "clause_id": clause_id,
                    "order": k,
                    "name": plans[unit].printed,
                    "unit_id": ctx.unit_ids[unit],
                    "role": role,
                }
            )
        clause_targets = []
        for k, t in enumerate(clause.targets):
            target_id = ids.take(Target)
            clause_targets.append((target_id, t.value))
            targets.append(
                {
                    "id": target_id,
                    "clause_id": clause_id,
                    "order": k,
                    "text": t.text,
                    "metric": t.metric,
                    "comparator": t.comparator,
                    "value": t.value,
                    "unit": t.unit,
                    "deadline_text": t.deadline_text,
                    "deadline_date": t.deadline_date,
                    **times,
                }
            )
        if not clause.is_task:
            continue
        task_order += 1
        _task_rows(
            rng, ctx, ids, rows, doc_id, clause_id, clause, task_order, times, clause_targets
        )


def _task_rows(rng, ctx, ids, rows, doc_id, clause_id, clause, order, times, clause_targets):
    """One task of a clause, an assignment per unit named, their reports and actuals."""
    plan = history.plan_task(rng, issued_on=times["created_at"].date(), today=ctx.today)
    closed_day = plan.pop("closed_day")
    closed_at = ctx.at(closed_day, rng) if closed_day else None
    lead_unit = clause.units[0][0]
    task = {
        "id": ids.take(Task),
        "document_id": doc_id,
        "clause_id": clause_id,
        "order": order,
        "label": clause.label,
        "section": clause.section,
        "title": clause.title,
        "description": clause.body,
        **plan,
        "is_active": True,
        "closed_at": closed_at,
        "closed_by_id": ctx.supervisor_id if closed_at else None,
        "close_requested_at": closed_at - timedelta(days=3) if closed_at else None,
        "close_requested_by_id": ctx.leader_ids[lead_unit] if closed_at else None,
        "version": 1,
        **times,
    }
    assignments, reports = [], {}
    for k, (unit, role) in enumerate(clause.units):
        received = None
        if rng.random() < history.RECEIVED_SHARE:
            received = times["created_at"] + timedelta(
                days=rng.randint(0, 7), hours=rng.randint(0, 6)
            )
            received = received if received.date() < ctx.today else None
        row = {
            "id": ids.take(Assignment),
            "task_id": task["id"],
            "unit_id": ctx.unit_ids[unit],
            "role": role,
            "order": k,
            "due_date": plan["due_date"],
            "original_due_date": plan["due_date"],
            "evaluation_due_date": plan["due_date"],
            "start_date": plan["start_date"],
            "report_cycle": plan["report_cycle"],
            "report_day": plan["report_day"],
            "needs_sign_off": plan["needs_sign_off"],
            "received_at": received,
            "received_by_id": ctx.leader_ids[unit] if received else None,
            "is_active": True,
            "version": 1,
            **times,
        }
        assignments.append(row)
        sent = history.assignment_reports(
            rng, ctx, assignment=row, unit_index=unit, title=clause.title,
            closed_day=closed_day, ids=ids, rows=rows,
        )  # fmt: skip
        reports[row["id"]] = sent
        if sent and clause_targets:
            rows.actuals += history.target_actuals(rng, sent[-1], clause_targets, ids)
    history.store_states(ctx, task, assignments, reports)
    rows.tasks.append(task)
    rows.assignments += assignments


def document_texts(*, scale: float, seed: int, count: int) -> list[tuple[str, str]]:
    """``count`` documents of the load shape as text files: (file name, text).

    In the seeds' format (title, 文号, 主送, preamble, numbered parts 一、 and clauses （一）
    ending with （责任单位：…）), naming units of the jurisdiction generated at ``scale`` (any
    seed). Their titles end with （试行） and their 文号 differ from the generated documents',
    so importing one never turns it into a new version of a generated document. The parser
    cannot tell 负载测试省 from its text: import with ``jurisdiction=JURISDICTION_NAME``.
    """
    sizes = load_sizes(scale)
    plans = unit_plans(sizes.units)
    by_pool = pools(plans)
    texts = []
    for index in range(max(0, count)):
        doc = plan_document(
            seed=seed,
            index=index,
            count=count,
            units=plans,
            today=DEFAULT_TODAY,
            stream="text",
            title_suffix="（试行）",
            number_word="规",
            by_pool=by_pool,
        )
        texts.append((f"load_text_{index + 1:04d}.txt", render_text(doc, plans)))
    return texts
