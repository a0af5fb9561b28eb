"""The task domain: tasks, assignments, reports, extension requests, notifications, audit."""

from .audit import AppendOnlyError, AuditChainHead, AuditEvent
from .notifications import Notification
from .reminders import OutboundMessage, ReminderLog, UnitChannel
from .reports import (
    ExtensionRequest,
    ProgressReport,
    ReportAttachment,
    ReportingPeriod,
    TargetActual,
)
from .tallies import DocumentTally, UnitTally
from .tasks import Assignment, Task

__all__ = [
    "AppendOnlyError",
    "Assignment",
    "AuditChainHead",
    "AuditEvent",
    "DocumentTally",
    "ExtensionRequest",
    "Notification",
    "OutboundMessage",
    "ProgressReport",
    "ReminderLog",
    "ReportAttachment",
    "ReportingPeriod",
    "TargetActual",
    "Task",
    "UnitChannel",
    "UnitTally",
]
