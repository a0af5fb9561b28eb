from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (under review)")
    PUBLISHED = "published", _("Published")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld (figures unchanged)")
    CORRECTED = "corrected", _("Corrected")


# Snapshot figures a supervisor may correct on appeal; rates and score follow from them.
CORRECTABLE_FIELDS = (
    "tasks_assigned",
    "tasks_done",
    "tasks_overdue",
    "reports_due",
    "reports_on_time",
    "reports_late",
    "reports_missing",
    "target_attainment",
)
