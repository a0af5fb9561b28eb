"""Pages for supervisors: upload a policy file, check the breakdown table, confirm the import."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import UnitKind
from accounts.models import Unit
from accounts.scoping import is_supervisor, require_supervisor, supervised_jurisdictions
from tracker.csv_export import csv_response
from tracker.errors import DomainError
from tracker.forms import BulkPlanForm
from tracker.models import Assignment, Task
from tracker.services.access import supervises

from . import services, uploads
from .models import PolicyDocument

UNIT_SEPARATOR = "、"


@login_required
def document_list(request):
    documents = (
        PolicyDocument.objects.visible_to(request.user)
        .current()
        .select_related("jurisdiction")
        .annotate(task_count=Count("tasks", filter=Q(tasks__is_active=True), distinct=True))
        .order_by("jurisdiction__name", "-created_at")
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            "documents.csv",
            [_("Jurisdiction"), _("Title"), _("Document number"), _("Version"), _("Tasks")],
            (
                [d.jurisdiction.name, d.title, d.doc_number, d.version, d.task_count]
                for d in documents
            ),
        )
    return render(
        request,
        "clauses/document_list.html",
        {"documents": documents, "can_import": is_supervisor(request.user)},
    )


@login_required
def document_detail(request, pk, plan_form=None):
    """The breakdown table: every task with its units' lights, statuses and due dates.

    Supervisors of the document's jurisdiction also get the bulk plan form (``plan_form`` is a
    bound form shown again after a refused plan). A fixed number of queries whatever the size.
    """
    # Staff see the tasks their units share, not the whole document's.
    tasks = Task.objects.visible_to(request.user).filter(is_active=True).order_by("order")
    assignments = Assignment.objects.filter(is_active=True).select_related("unit").order_by("order")
    document = get_object_or_404(
        PolicyDocument.objects.visible_to(request.user)
        .select_related("jurisdiction")
        .prefetch_related(
            Prefetch("tasks", queryset=tasks.prefetch_related(Prefetch("assignments", assignments)))
        ),
        pk=pk,
    )
    can_plan = supervises(request.user, document.jurisdiction_id)
    # Which assignment pages the user may open (one query): links only where they lead somewhere.
    visible = set(
        Assignment.objects.visible_to(request.user)
        .filter(task__document=document)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "clauses/document_detail.html",
        {
            "document": document,
            "can_plan": can_plan,
            "visible_assignments": visible,
            "plan_form": plan_form or (BulkPlanForm(prefix="bulk") if can_plan else None),
        },
    )


@login_required
def upload(request):
    require_supervisor(request.user)
    jurisdictions = supervised_jurisdictions(request.user).order_by("name")
    if request.method != "POST":
        return render(request, "clauses/upload.html", {"jurisdictions": jurisdictions})
    upload_file = request.FILES.get("file")
    jurisdiction = request.POST.get("jurisdiction") or None
    if upload_file is None:
        messages.error(request, _("Choose a file to upload."))
        return render(request, "clauses/upload.html", {"jurisdictions": jurisdictions}, status=400)
    data = upload_file.read()
    try:
        preview = services.preview_document(
            data=data, filename=upload_file.name, jurisdiction=jurisdiction, by=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return render(
            request, "clauses/upload.html", {"jurisdictions": jurisdictions}, status=exc.status
        )
    token = uploads.save_pending(
        user=request.user, data=data, filename=upload_file.name, jurisdiction=jurisdiction
    )
    return _render_preview(request, token, preview)


def _render_preview(request, token, preview, status=200):
    documents = []
    names_by_jurisdiction = {
        d["jurisdiction"] for d in preview["documents"] if d.get("jurisdiction_known")
    }
    units = Unit.objects.filter(jurisdiction__name__in=names_by_jurisdiction).select_related(
        "jurisdiction"
    )
    for index, doc in enumerate(preview["documents"]):
        unknown = {u["name"] for u in doc.get("unknown_units", [])}
        rows = []
        for task in doc["tasks"]:
            names = task["units"] or task.get("proposed_units", [])
            rows.append(
                {
                    "task": task,
                    "key": f"{index}-{task['seq']}",
                    "units_text": UNIT_SEPARATOR.join(names),
                    "units": [
                        {"name": n, "unknown": n in unknown, "role": _role(task, n)} for n in names
                    ],
                    "proposed": not task["units"] and bool(names),
                }
            )
        choices = [u for u in units if u.jurisdiction.name == doc.get("jurisdiction")]
        documents.append({"index": index, "doc": doc, "rows": rows, "unit_choices": choices})
    return render(
        request,
        "clauses/preview.html",
        {"token": token, "documents": documents, "unit_kinds": UnitKind.choices},
        status=status,
    )


def _role(task, name):
    """'lead' or 'support' where the text splits them, else None (every unit is responsible)."""
    if task.get("lead_units") is None:
        return None
    return "lead" if name in task["lead_units"] else "support"


def _form_arguments(post, preview):
    """Translate the preview form into the import service's decisions and edits."""
    decisions, edits = {}, {}
    for key, value in post.items():
        if key.startswith("decision:") and value:
            name = key.removeprefix("decision:")
            choice, _sep, argument = value.partition(":")
            if choice == "unit" and argument.isdigit():
                decisions[name] = services.UnitDecision(unit_id=int(argument))
            elif choice == "create":
                decisions[name] = services.UnitDecision(
                    create=True, kind=argument or UnitKind.OTHER
                )
    for index, doc in enumerate(preview["documents"]):
        for task in doc["tasks"]:
            key = f"{index}-{task['seq']}"
            edit = services.TaskEdit()
            title = post.get(f"title-{key}", "").strip()
            if title and title != (task["title"] or ""):
                edit.title = title
            units_text = post.get(f"units-{key}")
            if units_text is not None:
                names = [
                    n.strip()
                    for n in units_text.replace("，", UNIT_SEPARATOR).split(UNIT_SEPARATOR)
                    if n.strip()
                ]
                if names != (task["units"] or task.get("proposed_units", [])):
                    edit.units = names
            due = post.get(f"due-{key}", "").strip()
            if due:
                try:
                    edit.due_date = date.fromisoformat(due)
                except ValueError:
                    raise DomainError(
                        "invalid_date", _("“{value}” is not a date.").format(value=due)
                    ) from None
            if edit != services.TaskEdit():
                edits[(index, task["seq"])] = edit
    return decisions, edits


@login_required
@require_POST
def confirm(request, token):
    require_supervisor(request.user)
    pending = uploads.load_pending(user=request.user, token=token)
    if pending is None:
        raise Http404
    data, filename, jurisdiction = pending
    try:
        preview = services.preview_document(
            data=data, filename=filename, jurisdiction=jurisdiction, by=request.user
        )
    except DomainError as exc:  # it was readable at upload; say why it is not now
        messages.error(request, str(exc.message))
        return redirect("clauses:upload")
    try:
        decisions, edits = _form_arguments(request.POST, preview)
        result = services.import_document(
            data=data,
            filename=filename,
            jurisdiction=jurisdiction,
            decisions=decisions,
            edits=edits,
            by=request.user,
            ip_address=request.META.get("REMOTE_ADDR"),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _render_preview(request, token, preview, status=exc.status)
    uploads.discard_pending(user=request.user, token=token)
    first = result.documents[0].document
    if result.created:
        messages.success(
            request, _("Imported {count} document(s).").format(count=len(result.documents))
        )
    else:
        messages.info(request, _("This file was imported before; nothing changed."))
    return redirect("clauses:document-detail", pk=first.pk)
