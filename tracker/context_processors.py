"""Template context for every page: the navigation's role flags and unread notifications."""

from functools import cached_property

from accounts.scoping import is_supervisor
from tracker.models import Notification


class Nav:
    """Lazily computed facts for the navigation bar; each costs one query, on first use only."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def is_supervisor(self) -> bool:
        """Shows the review and extension queues and the import link."""
        return is_supervisor(self.user)

    @cached_property
    def unread(self) -> int:
        """The count on the notifications badge."""
        return Notification.objects.visible_to(self.user).filter(read_at__isnull=True).count()


def navigation(request):
    """Add ``duban_nav`` (None for anonymous visitors) for base.html's links and badge.

    Add "tracker.context_processors.navigation" to TEMPLATES' context processors.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"duban_nav": None}
    return {"duban_nav": Nav(user)}
