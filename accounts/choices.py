from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("City department")
    PARTY_OFFICE = "party_office", _("Party committee office")
    CENTRAL_BRANCH = "central_branch", _("Branch of a central agency")
    DISTRICT = "district", _("District or county government")
    ZONE = "zone", _("Development zone or management committee")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    FINANCIAL_INSTITUTION = "financial_institution", _("Financial institution or exchange")
    COLLECTIVE = "collective", _("Collective (stands for several units)")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    STAFF = "staff", _("Staff (承办人)")
    UNIT_LEADER = "unit_leader", _("Unit leader (单位负责人)")
    SUPERVISOR = "supervisor", _("Supervisor (督查员)")
