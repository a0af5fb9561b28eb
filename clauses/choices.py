from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (牵头/责任单位)")
    SUPPORT = "support", _("Support (配合单位)")


class Comparator(models.TextChoices):
    GTE = "gte", _("at least")
    LTE = "lte", _("at most")
    EQ = "eq", _("equal to")
