"""Server-rendered pages of the tracker: my tasks, the assignment page, queues, notifications.

Each action of the assignment page is a POST to its own URL; the pages link to them by name.
"""

from django.urls import path

from . import pages

app_name = "tracker"

urlpatterns = [
    path("tasks/mine/", pages.my_tasks, name="my-tasks"),
    path("assignments/<int:pk>/", pages.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/receive/", pages.receive, name="assignment-receive"),
    path("assignments/<int:pk>/plan/", pages.assignment_plan, name="assignment-plan"),
    path("assignments/<int:pk>/reports/", pages.report_create, name="report-create"),
    path("assignments/<int:pk>/extension/", pages.extension_request, name="extension-request"),
    path(
        "assignments/<int:pk>/request-close/",
        pages.task_request_close,
        name="task-request-close",
    ),
    path("assignments/<int:pk>/close/", pages.task_close, name="task-close"),
    path("assignments/<int:pk>/reopen/", pages.task_reopen, name="task-reopen"),
    path("assignments/<int:pk>/urge/", pages.urge, name="assignment-urge"),
    path("reports/<int:pk>/edit/", pages.report_update, name="report-update"),
    path("reports/<int:pk>/submit/", pages.report_submit, name="report-submit"),
    path("reports/<int:pk>/sign-off/", pages.report_sign_off, name="report-sign-off"),
    path("reports/<int:pk>/accept/", pages.report_accept, name="report-accept"),
    path("reports/<int:pk>/return/", pages.report_return, name="report-return"),
    path("review/", pages.review_queue, name="review-queue"),
    path("escalations/", pages.escalations, name="escalations"),
    path("extensions/", pages.extension_queue, name="extension-queue"),
    path("extensions/<int:pk>/approve/", pages.extension_approve, name="extension-approve"),
    path("extensions/<int:pk>/reject/", pages.extension_reject, name="extension-reject"),
    path("documents/<int:pk>/plan/", pages.document_plan, name="document-plan"),
    path("attachments/<int:pk>/", pages.attachment, name="attachment"),
    path("notifications/", pages.notifications, name="notifications"),
    path("notifications/read/", pages.mark_notifications_read, name="notifications-read"),
]
