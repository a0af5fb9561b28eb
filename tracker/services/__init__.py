"""Task-domain services: every workflow rule lives in one of these functions.

Views, API views, admin actions, commands and Celery tasks call them; each runs in one
transaction and writes an audit event.
"""

from .closure import close_task, reopen_task, request_close
from .delivery import (
    Delivery,
    deliver_due_messages,
    deliver_message,
    queue_due_messages,
    retry_message,
)
from .extensions import approve_extension, reject_extension, request_extension
from .heartbeat import last_heartbeat, record_heartbeat
from .notifications import mark_read, notify_assigned
from .planning import plan_assignment, plan_document, plan_task
from .receipt import flag_unreceived, receive_assignment
from .reminders import (
    ScanResult,
    escalated_assignments,
    reminders_due,
    scan_reminders,
    urge_assignment,
)
from .reporting import (
    ReportInput,
    accept_report,
    create_report,
    return_report,
    sign_off_report,
    submit_report,
    update_report,
)
from .states import refresh_all_states, refresh_assignments
from .tallies import rebuild_tallies, refresh_document_tallies, refresh_unit_tallies

__all__ = [
    "Delivery",
    "ReportInput",
    "ScanResult",
    "accept_report",
    "approve_extension",
    "close_task",
    "create_report",
    "deliver_due_messages",
    "deliver_message",
    "escalated_assignments",
    "flag_unreceived",
    "last_heartbeat",
    "mark_read",
    "notify_assigned",
    "plan_assignment",
    "plan_document",
    "plan_task",
    "queue_due_messages",
    "rebuild_tallies",
    "receive_assignment",
    "record_heartbeat",
    "refresh_all_states",
    "refresh_assignments",
    "refresh_document_tallies",
    "refresh_unit_tallies",
    "reject_extension",
    "reminders_due",
    "reopen_task",
    "request_close",
    "request_extension",
    "retry_message",
    "return_report",
    "scan_reminders",
    "sign_off_report",
    "submit_report",
    "update_report",
    "urge_assignment",
]
