"""Admin: tasks and assignments for inspection; the workflow's records are read-only here,
since every change of state goes through a service that writes its audit event."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Assignment,
    AuditEvent,
    ExtensionRequest,
    Notification,
    OutboundMessage,
    ProgressReport,
    ReminderLog,
    ReportAttachment,
    TargetActual,
    Task,
    UnitChannel,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows; adds, changes and deletes belong to the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("unit", "role", "status", "light", "due_date", "received_at", "is_active")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "document", "status", "light", "due_date", "closed_at", "is_active")
    list_filter = ("status", "light", "is_active", "document__jurisdiction")
    search_fields = ("title", "description")
    inlines = [AssignmentInline]
    list_select_related = ["document"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("task", "unit", "role", "status", "light", "due_date", "is_active")
    list_filter = ("role", "status", "light", "is_active")
    search_fields = ("task__title", "unit__name")
    list_select_related = ["task", "unit"]


class TargetActualInline(admin.TabularInline):
    model = TargetActual
    extra = 0
    can_delete = False
    readonly_fields = ("target", "value", "note")

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    can_delete = False
    fields = ("name", "content_type", "size", "sha256", "uploaded_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "period_start", "status", "percent", "submitted_at")
    list_filter = ("status",)
    search_fields = ("progress", "assignment__unit__name")
    list_select_related = ["assignment__task", "assignment__unit"]
    inlines = [TargetActualInline, AttachmentInline]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "requested_due_date", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ["assignment__task", "assignment__unit"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "message", "read_at")
    list_filter = ("kind",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("created_at", "actor_name", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "action", "actor_name")

    def get_actions(self, request):
        return {}  # not even "delete selected"


@admin.register(UnitChannel)
class UnitChannelAdmin(admin.ModelAdmin):
    """Group robots (企业微信, 钉钉) are configuration: admins add and edit them here."""

    list_display = ("unit", "platform", "name", "is_active", "updated_at")
    list_filter = ("platform", "is_active")
    search_fields = ("unit__name", "name")
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # robots are reached over HTTPS
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    """Every reminder sent, once per (assignment, kind, due date, step, channel, recipient)."""

    list_display = (
        "created_at",
        "assignment",
        "kind",
        "due_date",
        "step",
        "channel",
        "recipient_key",
    )
    list_filter = ("kind", "channel")
    search_fields = ("assignment__task__title", "assignment__unit__name", "recipient_key")
    list_select_related = ["assignment__task", "assignment__unit"]
    date_hierarchy = "created_at"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """The outbox: failed and waiting deliveries are visible here and can be retried now."""

    list_display = (
        "day",
        "channel",
        "recipient_key",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "channel", "is_digest", "day")
    search_fields = ("recipient_key", "subject", "last_error")
    actions = ["retry_now"]

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        from .services import retry_message

        count = sum(retry_message(message=message) for message in queryset)
        self.message_user(
            request,
            ngettext("%d message queued again.", "%d messages queued again.", count) % count,
            messages.SUCCESS,
        )
