"""In-app channel: one Notification per message."""

from tracker.choices import ChannelName, NotificationKind
from tracker.models import Notification

from .base import Channel, register


@register
class InAppChannel(Channel):
    name = ChannelName.IN_APP
    transactional = True

    def send(self, message) -> None:
        Notification.objects.create(
            recipient_id=message.user_id,
            kind=NotificationKind.ESCALATION if message.escalation else NotificationKind.REMINDER,
            message=(message.subject + "\n" + message.body)[:500],
            object_type=message._meta.label_lower,
            object_id=str(message.pk),
            url=message.url[:200],
        )
