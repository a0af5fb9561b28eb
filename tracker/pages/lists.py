"""List pages: 我的任务, the review and extension queues, notifications; attachment downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import member_units, require_supervisor, supervised_jurisdictions
from tracker import services
from tracker.choices import ExtensionStatus
from tracker.csv_export import (
    assignments_csv,
    csv_response,
    extension_requests_csv,
    reports_csv,
)
from tracker.forms import CommentForm
from tracker.models import (
    Assignment,
    ExtensionRequest,
    Notification,
    ProgressReport,
    ReportAttachment,
)
from tracker.models.tasks import ATTENTION_ORDER
from tracker.page_filters import MyTaskFilterSet

PAGE_SIZE = 50


def _page(request, queryset):
    """One page of ``queryset`` (two queries: the count and the rows)."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def my_tasks(request):
    """我的任务: the active assignments of the user's units and of the jurisdictions they supervise.

    Filters come from the URL (document, status, light, received). A fixed number of queries
    whatever the number of rows: the document choices, the count and one page of rows.
    """
    user = request.user
    assignments = (
        Assignment.objects.visible_to(user)
        .filter(is_active=True)
        .filter(
            Q(unit__in=member_units(user))
            | Q(task__document__jurisdiction__in=supervised_jurisdictions(user))
        )
        .select_related("task__document", "unit")
        .order_by(*ATTENTION_ORDER)
    )
    filterset = MyTaskFilterSet(request.GET or None, queryset=assignments, request=request)
    if request.GET.get("format") == "csv":
        return assignments_csv("my-tasks.csv", filterset.qs)
    page = _page(request, filterset.qs)
    return render(
        request,
        "tracker/my_tasks.html",
        {"filter": filterset, "page": page, "assignments": page.object_list},
    )


@login_required
def review_queue(request):
    """Reports awaiting the supervisor's review, oldest first, with the 疑似照搬 flag.

    A report awaits review once submitted, or once signed off where the unit leader must sign
    it. Three queries whatever the number of rows: the count, the rows, their attachments.
    """
    user = request.user
    require_supervisor(user)
    reports = (
        ProgressReport.objects.visible_to(user)
        .filter(assignment__task__document__jurisdiction__in=supervised_jurisdictions(user))
        .awaiting_review()
        .select_related(
            "assignment__task__document",
            "assignment__unit",
            "author",
            "similar_to__assignment__unit",
        )
        .prefetch_related("attachments")
        .order_by("submitted_at", "pk")
    )
    if request.GET.get("format") == "csv":
        return reports_csv("review-queue.csv", reports)
    page = _page(request, reports)
    return render(
        request,
        "tracker/review_queue.html",
        {"page": page, "reports": page.object_list, "comment_form": CommentForm()},
    )


@login_required
def extension_queue(request):
    """Pending extension requests of the supervised jurisdictions, oldest first."""
    user = request.user
    require_supervisor(user)
    requests = (
        ExtensionRequest.objects.visible_to(user)
        .filter(
            status=ExtensionStatus.PENDING,
            assignment__task__document__jurisdiction__in=supervised_jurisdictions(user),
        )
        .select_related("assignment__task__document", "assignment__unit", "requested_by")
        .order_by("created_at", "pk")
    )
    if request.GET.get("format") == "csv":
        return extension_requests_csv("extension-requests.csv", requests)
    page = _page(request, requests)
    return render(
        request,
        "tracker/extension_queue.html",
        {"page": page, "requests": page.object_list, "comment_form": CommentForm()},
    )


@login_required
def attachment(request, pk):
    """Download an attachment, only for those who may see its report (404 for anyone else)."""
    item = get_object_or_404(
        ReportAttachment.objects.filter(report__in=ProgressReport.objects.visible_to(request.user)),
        pk=pk,
    )
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=item.content_type
    )


@login_required
def notifications(request):
    """The user's notifications, newest first, with a button to mark them all read."""
    items = Notification.objects.visible_to(request.user).order_by("-created_at", "-id")
    if request.GET.get("format") == "csv":
        return csv_response(
            "notifications.csv",
            [_("Time"), _("Message"), _("Read")],
            (
                [
                    timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M"),
                    n.message,
                    _("Yes") if n.read_at else _("No"),
                ]
                for n in items.iterator(chunk_size=500)
            ),
        )
    page = _page(request, items)
    return render(
        request,
        "tracker/notifications.html",
        {"page": page, "notifications": page.object_list},
    )


@login_required
@require_POST
def mark_notifications_read(request):
    """Mark every unread notification of the user read."""
    count = services.mark_read(user=request.user)
    messages.success(request, _("Marked {count} notification(s) read.").format(count=count))
    return redirect("tracker:notifications")
