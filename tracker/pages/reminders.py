"""Pages of reminders and escalation: the supervisor's 催办 button and the escalation list."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import require_supervisor
from tracker import services
from tracker.csv_export import assignments_csv

from .assignment import _assignment, _perform
from .common import ip_of
from .lists import _page

URGE_NOTE_MAX = 300


@login_required
@require_POST
def urge(request, pk):
    """催办: the supervisor reminds the unit at once (logged, at most once a day)."""
    assignment = _assignment(request, pk)
    note = request.POST.get("urge-comment", "").strip()[:URGE_NOTE_MAX]
    return _perform(
        request,
        assignment,
        lambda: services.urge_assignment(
            assignment=assignment, by=request.user, message=note, ip_address=ip_of(request)
        ),
        success=_("The unit has been urged."),
    )


@login_required
def escalations(request):
    """督办: overdue assignments escalated to the supervisor, oldest due date first.

    Three queries whatever the number of rows: the count, the rows, the supervised
    jurisdictions inside both as a subquery.
    """
    require_supervisor(request.user)
    if request.GET.get("format") == "csv":
        return assignments_csv("escalations.csv", services.escalated_assignments(request.user))
    page = _page(request, services.escalated_assignments(request.user))
    return render(
        request,
        "tracker/escalations.html",
        {"page": page, "assignments": page.object_list},
    )
