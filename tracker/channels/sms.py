"""SMS channel: a backend interface (no provider bundled) and a logging backend."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from tracker.choices import ChannelName

from .base import Channel, ChannelError, register

logger = logging.getLogger(__name__)

SMS_MAX_CHARS = 300


class SMSBackend:
    """Sends one text to one phone number; raises on failure. Subclass for a provider."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSMSBackend(SMSBackend):
    """Development backend: writes the message to the log instead of sending it."""

    sent: list[tuple[str, str]] = []  # the last messages, for tests and the shell

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        LoggingSMSBackend.sent = [*LoggingSMSBackend.sent[-99:], (phone, text)]


def get_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()


@register
class SMSChannel(Channel):
    name = ChannelName.SMS

    def address_of(self, user) -> str:
        return user.phone or ""

    def send(self, message) -> None:
        phone = self.address_of(message.user)
        if not phone:
            raise ChannelError("the user has no phone number")
        get_backend().send(phone, (message.subject + " " + message.body)[:SMS_MAX_CHARS])
