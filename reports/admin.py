"""Admin: score weights are editable; periods, snapshots and appeals are read-only there
(they change only through the services), with an audited "unpublish" action for superusers."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.errors import DomainError

from . import services
from .models import Appeal, EvaluationPeriod, EvaluationSnapshot, ScoreWeights


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "on_time", "completion", "target", "overdue_penalty"]


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(ReadOnlyAdmin):
    list_display = [
        "jurisdiction",
        "code",
        "status",
        "computed_at",
        "appeal_deadline",
        "published_at",
    ]
    list_filter = ["status", "jurisdiction"]
    actions = ["unpublish"]

    @admin.action(description=_("Unpublish (return to draft for a re-run; audited)"))
    def unpublish(self, request, queryset):
        if not request.user.is_superuser:
            self.message_user(
                request, gettext("Only an administrator can unpublish."), messages.ERROR
            )
            return
        for period in queryset:
            try:
                services.unpublish_period(
                    period=period,
                    by=request.user,
                    reason=gettext("Unpublished from the admin by {user}").format(
                        user=request.user.get_username()
                    ),
                    now=timezone.now(),
                    ip_address=request.META.get("REMOTE_ADDR"),
                )
            except DomainError as error:
                self.message_user(request, f"{period}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request, gettext("{period} is a draft again.").format(period=period)
                )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("unpublish", None)
        return actions


@admin.register(EvaluationSnapshot)
class EvaluationSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "document", "tasks_assigned", "score", "rank", "corrected"]
    list_filter = ["period", "corrected"]
    list_select_related = ["period__jurisdiction", "unit", "document"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["snapshot", "status", "filed_by", "created_at", "decided_by"]
    list_filter = ["status"]
