"""In-app notifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import NotificationKind


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user reads only their own notifications."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)


class Notification(models.Model):
    """A message to one user about a change that concerns them."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    message = models.CharField(_("message"), max_length=500)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.message
