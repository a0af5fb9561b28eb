"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_asgi_application()

from tracker.checks import refuse_development_key  # noqa: E402 - needs the apps loaded

refuse_development_key()
