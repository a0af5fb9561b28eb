"""E-mail channel through Django's mail backend (SMTP settings come from EMAIL_URL)."""

from django.conf import settings
from django.core.mail import send_mail

from tracker.choices import ChannelName

from .base import Channel, ChannelError, register


@register
class EmailChannel(Channel):
    name = ChannelName.EMAIL

    def address_of(self, user) -> str:
        return user.email or ""

    def send(self, message) -> None:
        address = self.address_of(message.user)
        if not address:
            raise ChannelError("the user has no e-mail address")
        body = message.body
        if message.url:
            body += "\n\n" + settings.SITE_URL.rstrip("/") + message.url
        send_mail(
            message.subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
            fail_silently=False,
        )
