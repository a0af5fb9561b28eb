from django.contrib import admin

from .models import Assignment, AuditEvent, Task


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("__str__", "document", "status", "light", "due_date", "is_active")
    list_filter = ("status", "light", "is_active", "document__jurisdiction")
    search_fields = ("title", "description")
    inlines = [AssignmentInline]
    list_select_related = ["document"]
    raw_id_fields = ["clause", "document"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("task", "unit", "role", "status", "light", "due_date", "is_active")
    list_filter = ("role", "status", "light", "is_active")
    search_fields = ("task__title", "unit__name")
    autocomplete_fields = ["unit"]
    raw_id_fields = ["task"]
    list_select_related = ["task", "unit"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("created_at", "actor", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
