"""Reminders (催办) and escalation (督办): unit group robots, the reminder log, the outbox.

The reminder log's unique key is what makes a reminder go out at most once: a scan inserts
candidate rows and a conflict means "already sent", whoever ran first. The outbox holds one
digest per channel, recipient and day; delivery claims a message with a conditional UPDATE.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit

from ..choices import ChannelName, MessageStatus, ReminderKind, WebhookPlatform
from ..db import TimeStampedModel
from .tasks import Assignment


class UnitChannel(TimeStampedModel):
    """A unit's group robot (企业微信 or 钉钉) that receives the unit's reminders."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="channels", verbose_name=_("unit")
    )
    platform = models.CharField(_("platform"), max_length=20, choices=WebhookPlatform.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    url = models.URLField(_("robot URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk robots with 加签 security need it; WeCom robots do not."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit group robot")
        verbose_name_plural = _("unit group robots")
        ordering = ["unit", "platform", "pk"]

    def __str__(self):
        return f"{self.unit} · {self.get_platform_display()} {self.name}".strip()


class OutboundMessage(TimeStampedModel):
    """One message to one recipient over one channel: a day's digest, or an immediate 催办.

    The recipient is a user, or a unit's group robot for the webhook channel; ``recipient_key``
    names either in one column so that the one-digest-a-day constraint holds without NULLs.
    """

    channel = models.CharField(_("channel"), max_length=20, choices=ChannelName.choices)
    recipient_key = models.CharField(_("recipient key"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    unit_channel = models.ForeignKey(
        UnitChannel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("group robot"),
    )
    day = models.DateField(_("day"))
    is_digest = models.BooleanField(_("daily digest"), default=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    escalation = models.BooleanField(_("contains an escalation"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "recipient_key", "day"],
                condition=models.Q(is_digest=True),
                name="outbound_one_digest_a_day",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient_key} {self.day}: {self.subject}"


class ReminderLog(models.Model):
    """One reminder of one assignment to one recipient over one channel; never written twice.

    (assignment, kind, due date, step, channel, recipient) is unique: the scan that inserts a
    row first sends it, every other scan, beat or retried worker finds it taken.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    run_id = models.UUIDField(_("scan run"), db_index=True)
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("assignment"),
        db_index=False,  # the unique key below leads with it; a scan writes 300,000 rows
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    due_date = models.DateField(_("due date"))
    step = models.IntegerField(
        _("step"),
        help_text=_("Working days before (or after, when overdue) the due date; for 催办 the day."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelName.choices)
    recipient_key = models.CharField(_("recipient key"), max_length=40)
    # The recipient and the digest carry no database constraint: a province's daily scan
    # writes 300,000 rows whose digests it creates in the same statement's transaction and
    # whose users it has just read, and checking them at commit cost a fifth of the scan
    # (docs/performance.md). Django still applies on_delete (users are deactivated, not
    # deleted; a digest is deleted only when no row points at it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
        db_constraint=False,
    )
    unit_channel = models.ForeignKey(
        UnitChannel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group robot"),
    )
    message = models.ForeignKey(
        OutboundMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("message"),
        db_constraint=False,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminder log")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_date", "step", "channel", "recipient_key"],
                name="reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.assignment_id} {self.kind} {self.due_date} {self.step} {self.channel}"
