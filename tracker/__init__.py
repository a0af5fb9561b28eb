"""督办: the Django project package and the task domain."""

from .celery import app as celery_app

__all__ = ("celery_app",)
