from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Tasks and progress")

    def ready(self):
        from . import checks  # noqa: F401  (registers the security system checks)
