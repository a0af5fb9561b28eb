from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class ReportCycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    ONCE = "once", _("Once")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SIGNED_OFF = "signed_off", _("Signed off")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Task assigned")
    RECEIPT_OVERDUE = "receipt_overdue", _("Receipt overdue")
    REPORT_SUBMITTED = "report_submitted", _("Report awaiting sign-off")
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REJECTED = "extension_rejected", _("Extension rejected")
    CLOSE_REQUESTED = "close_requested", _("Closure requested")
    TASK_CLOSED = "task_closed", _("Task closed")
    TASK_REOPENED = "task_reopened", _("Task reopened")
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class ReminderKind(models.TextChoices):
    REPORT_DUE = "report_due", _("Report due")
    TASK_DUE = "task_due", _("Task due")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION_LEADER = "escalation_leader", _("Escalated to the unit leader")
    ESCALATION_SUPERVISOR = "escalation_supervisor", _("Escalated to the supervisor")
    URGE = "urge", _("Urged by the supervisor (催办)")


class ChannelName(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot")
    SMS = "sms", _("SMS")


class WebhookPlatform(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
