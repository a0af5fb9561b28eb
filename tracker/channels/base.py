"""The channel interface and its registry."""

from django.utils.module_loading import import_string

_REGISTRY: dict[str, type["Channel"]] = {}
_BUILTIN = (
    "tracker.channels.in_app.InAppChannel",
    "tracker.channels.email.EmailChannel",
    "tracker.channels.webhooks.WebhookChannel",
    "tracker.channels.sms.SMSChannel",
)


class ChannelError(Exception):
    """Sending failed; the message is retried later with backoff."""


class Channel:
    """Sends one outbound message; raises ChannelError (or any exception) on failure.

    ``transactional`` channels only write to the database: delivery runs them in the same
    transaction that marks the message sent, so even a killed worker never sends twice.
    ``for_people`` channels address users; the others address a unit's group robot.
    """

    name: str = ""
    transactional = False
    for_people = True

    def address_of(self, user) -> str:
        """Where this channel reaches ``user`` ("" when it cannot: no e-mail, no phone)."""
        return str(user.pk)

    def send(self, message) -> None:
        raise NotImplementedError


def register(cls: type[Channel]) -> type[Channel]:
    """Register a channel class under its ``name`` (usable as a decorator)."""
    _REGISTRY[cls.name] = cls
    return cls


def _load_builtin() -> None:
    for path in _BUILTIN:
        import_string(path)


def registered() -> dict[str, type[Channel]]:
    _load_builtin()
    return dict(_REGISTRY)


def get_channel(name: str) -> Channel:
    """An instance of the channel registered as ``name``; KeyError when there is none."""
    _load_builtin()
    return _REGISTRY[name]()
