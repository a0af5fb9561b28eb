"""The evaluation pages (半年跟踪评价): the periods, one period's ranking, appeals, publication.

Every action is a POST that calls one service and redirects to the period; a refused action
shows the page again with the service's message and the status of the refusal (400, 403 or
409), the user's input kept. Periods, rows and appeals come from the models' ``visible_to``,
so what a user may not see answers 404; the services decide again who may act.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import member_units, supervised_jurisdictions
from tracker.errors import DomainError
from tracker.pages.common import ip_of
from tracker.services.access import supervises

from . import services
from .choices import AppealStatus
from .forms import (
    AppealForm,
    ComputeForm,
    DecisionForm,
    PublishForm,
    UnpublishForm,
    previous_code,
)
from .models import Appeal, EvaluationPeriod, EvaluationSnapshot


def _now():
    """The clock of the pages (one place, so tests can set it)."""
    return timezone.now()


def _today():
    return timezone.localdate(_now())


def _export_url(name, period) -> str | None:
    """The download URL of an export, or None while that route is not wired in."""
    try:
        url = reverse(name, args=[period.code])
    except NoReverseMatch:
        return None
    return f"{url}?jurisdiction={period.jurisdiction_id}"


# --- the list of periods --------------------------------------------------------------------


def _compute_form(user, data=None):
    """The rollup form for a supervisor (None for everyone else)."""
    jurisdictions = list(supervised_jurisdictions(user).order_by("name"))
    if not jurisdictions:
        return None
    return ComputeForm(data, jurisdictions=jurisdictions, today=_today())


def render_period_list(request, *, status=200, form=None):
    """The periods the user sees, newest first, and the rollup form for supervisors."""
    periods = (
        EvaluationPeriod.objects.visible_to(request.user)
        .select_related("jurisdiction")
        .order_by("-start", "jurisdiction__name")
    )
    context = {"periods": periods, "compute_form": form or _compute_form(request.user)}
    return render(request, "reports/period_list.html", context, status=status)


@login_required
def period_list(request):
    """评价期列表: every period of the supervised jurisdictions and of the user's units."""
    return render_period_list(request)


@login_required
@require_POST
def period_compute(request):
    """Compute (roll up) a period; a published or not-ended period is refused by the service."""
    form = _compute_form(request.user, request.POST)
    if form is None:
        messages.error(request, _("Only a supervisor can compute a period."))
        return render_period_list(request, status=403)
    if not form.is_valid():
        messages.error(request, _("Correct the marked fields and send the form again."))
        return render_period_list(request, status=400, form=form)
    try:
        period = services.rollup_period(
            jurisdiction=form.cleaned_data["jurisdiction"],
            code=form.cleaned_data["code"],
            now=_now(),
            by=request.user,
            force=form.cleaned_data["force"],
            ip_address=ip_of(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return render_period_list(request, status=exc.status, form=form)
    messages.success(request, _("{period} computed.").format(period=period))
    return redirect("reports:period-detail", pk=period.pk)


# --- one period -----------------------------------------------------------------------------


def _period(request, pk) -> EvaluationPeriod:
    return get_object_or_404(
        EvaluationPeriod.objects.visible_to(request.user).select_related(
            "jurisdiction", "computed_by", "published_by"
        ),
        pk=pk,
    )


def _comparison(user, period, overall):
    """Score and rank deltas against the previous half-year of the same jurisdiction."""
    previous = (
        EvaluationPeriod.objects.visible_to(user)
        .filter(jurisdiction_id=period.jurisdiction_id, code=previous_code(period.code))
        .first()
    )
    if previous is None:
        return None
    before = {
        s.unit_id: s
        for s in EvaluationSnapshot.objects.visible_to(user)
        .overall()
        .filter(period=previous)
        .only("unit_id", "score", "rank")
    }
    rows = []
    for s in overall:
        old = before.get(s.unit_id)
        rows.append(
            {
                "snapshot": s,
                "previous": old,
                "score_delta": None if old is None else s.score - old.score,
                "rank_delta": None
                if old is None or old.rank is None or s.rank is None
                else old.rank - s.rank,
            }
        )
    return {"period": previous, "rows": rows}


def render_period(request, pk, *, status=200, bound=None):
    """Render the period page; ``bound`` holds forms to show again with the user's input.

    ``bound`` keys: ("appeal", snapshot id), ("decide", appeal id), "publish", "unpublish".

    A fixed number of queries whatever the number of units and documents: the period, the
    supervisor check, the user's units, the rows, the appeals, the previous period and its rows.
    """
    bound = bound or {}
    user = request.user
    period = _period(request, pk)
    is_supervisor = supervises(user, period.jurisdiction_id)
    own_units = set(member_units(user).values_list("pk", flat=True))
    snapshots = list(
        EvaluationSnapshot.objects.visible_to(user)
        .filter(period=period)
        .select_related("unit", "document")
        .order_by("document_id", "rank", "unit__name", "unit_id")
    )
    appeals = list(
        Appeal.objects.visible_to(user)
        .filter(snapshot__period=period)
        .select_related("snapshot__unit", "snapshot__document", "filed_by", "decided_by")
        .order_by("-created_at", "-id")
    )
    pending = {a.snapshot_id for a in appeals if a.status == AppealStatus.PENDING}
    today = _today()
    appeal_window_open = (
        not period.is_published
        and period.appeal_deadline is not None
        and today <= period.appeal_deadline
    )
    for s in snapshots:
        s.own = s.unit_id in own_units and not user.is_superuser
        s.appeal_pending = s.pk in pending
        if s.own and appeal_window_open and not s.appeal_pending:
            s.appeal_form = bound.get(("appeal", s.pk)) or AppealForm(prefix=f"appeal{s.pk}")
    for a in appeals:
        if is_supervisor and a.status == AppealStatus.PENDING and not period.is_published:
            a.decision_form = bound.get(("decide", a.pk)) or DecisionForm.for_snapshot(
                a.snapshot, prefix=f"decide{a.pk}"
            )
    overall = [s for s in snapshots if s.document_id is None]
    documents = {}
    for s in snapshots:
        if s.document_id is not None:
            documents.setdefault(s.document_id, {"document": s.document, "rows": []})
            documents[s.document_id]["rows"].append(s)
    context = {
        "period": period,
        "is_supervisor": is_supervisor,
        "overall": overall,
        "documents": sorted(documents.values(), key=lambda d: d["document"].title),
        "comparison": _comparison(user, period, overall) if overall else None,
        "appeals": appeals,
        "appeal_window_open": appeal_window_open,
        "publish_form": bound.get("publish") or PublishForm(prefix="publish"),
        "unpublish_form": bound.get("unpublish") or UnpublishForm(prefix="unpublish"),
        "bulletin_url": _export_url("period-bulletin", period),
        "xlsx_url": _export_url("period-snapshots-xlsx", period),
    }
    return render(request, "reports/period_detail.html", context, status=status)


@login_required
def period_detail(request, pk):
    """One period: header, ranking, per-document rows, comparison, appeals and actions."""
    return render_period(request, pk)


def _perform(request, period_pk, action, *, success, bound=None):
    """Run a service call; on success redirect to the period, on refusal show its message."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return render_period(request, period_pk, status=exc.status, bound=bound)
    messages.success(request, success)
    return redirect("reports:period-detail", pk=period_pk)


def _invalid(request, period_pk, bound):
    messages.error(request, _("Correct the marked fields and send the form again."))
    return render_period(request, period_pk, status=400, bound=bound)


@login_required
@require_POST
def period_publish(request, pk):
    """Publish the period (supervisor): its figures become immutable."""
    period = _period(request, pk)
    form = PublishForm(request.POST, prefix="publish")
    if not form.is_valid():
        return _invalid(request, pk, {"publish": form})
    return _perform(
        request,
        pk,
        lambda: services.publish_period(
            period=period,
            by=request.user,
            now=_now(),
            before_deadline=form.cleaned_data["before_deadline"],
            ip_address=ip_of(request),
        ),
        success=_("{period} published.").format(period=period),
        bound={"publish": form},
    )


@login_required
@require_POST
def period_unpublish(request, pk):
    """Return a published period to draft (administrators; audited with the reason)."""
    period = _period(request, pk)
    form = UnpublishForm(request.POST, prefix="unpublish")
    if not form.is_valid():
        return _invalid(request, pk, {"unpublish": form})
    return _perform(
        request,
        pk,
        lambda: services.unpublish_period(
            period=period,
            by=request.user,
            reason=form.cleaned_data["reason"],
            now=_now(),
            ip_address=ip_of(request),
        ),
        success=_("{period} returned to draft.").format(period=period),
        bound={"unpublish": form},
    )


@login_required
@require_POST
def snapshot_appeal(request, pk):
    """A unit appeals one of its rows (reason, optional evidence file)."""
    snapshot = get_object_or_404(EvaluationSnapshot.objects.visible_to(request.user), pk=pk)
    form = AppealForm(request.POST, request.FILES, prefix=f"appeal{pk}")
    bound = {("appeal", pk): form}
    if not form.is_valid():
        return _invalid(request, snapshot.period_id, bound)
    return _perform(
        request,
        snapshot.period_id,
        lambda: services.file_appeal(
            snapshot=snapshot,
            by=request.user,
            reason=form.cleaned_data["reason"],
            evidence=form.cleaned_data.get("evidence"),
            now=_now(),
            ip_address=ip_of(request),
        ),
        success=_("Appeal filed; the supervisor will decide it."),
        bound=bound,
    )


@login_required
@require_POST
def appeal_decide(request, pk):
    """The supervisor upholds the figures (``decision=uphold``) or corrects them."""
    appeal = get_object_or_404(
        Appeal.objects.visible_to(request.user).select_related("snapshot"), pk=pk
    )
    form = DecisionForm(request.POST, prefix=f"decide{pk}")
    bound = {("decide", pk): form}
    period_pk = appeal.snapshot.period_id
    if not form.is_valid():
        return _invalid(request, period_pk, bound)
    uphold = request.POST.get("decision") == "uphold"
    return _perform(
        request,
        period_pk,
        lambda: services.decide_appeal(
            appeal=appeal,
            by=request.user,
            uphold=uphold,
            corrections=None if uphold else form.corrections(appeal.snapshot),
            comment=form.cleaned_data["comment"],
            now=_now(),
            ip_address=ip_of(request),
        ),
        success=_("Figures upheld.") if uphold else _("Figures corrected."),
        bound=bound,
    )


@login_required
def appeal_evidence(request, pk):
    """Download an appeal's evidence, for those who may see its row (404 for anyone else)."""
    appeal = get_object_or_404(Appeal.objects.visible_to(request.user), pk=pk)
    if not appeal.evidence:
        raise Http404
    try:
        handle = appeal.evidence.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=appeal.evidence_name or None)
