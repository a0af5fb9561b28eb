from django.contrib import admin

from .models import Clause, ClauseUnit, PolicyDocument, Target


class ClauseInline(admin.TabularInline):
    model = Clause
    extra = 0
    fields = ("order", "label", "title", "is_task", "deadline_date")
    show_change_link = True


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "jurisdiction", "doc_number", "version", "is_current", "created_at")
    list_filter = ("jurisdiction", "is_current")
    search_fields = ("title", "doc_number")
    readonly_fields = ("lineage", "version", "content_hash", "imported_by")
    inlines = [ClauseInline]
    list_select_related = ["jurisdiction"]


class ClauseUnitInline(admin.TabularInline):
    model = ClauseUnit
    extra = 0
    autocomplete_fields = ["unit"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "document", "order", "is_task")
    list_filter = ("is_task", "document__jurisdiction")
    search_fields = ("title", "body")
    inlines = [ClauseUnitInline, TargetInline]
    list_select_related = ["document"]


@admin.register(ClauseUnit)
class ClauseUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "role", "clause")
    search_fields = ("name", "unit__name")
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "clause"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("text", "metric", "comparator", "value", "unit", "deadline_date", "clause")
    search_fields = ("text", "metric")
    list_select_related = ["clause"]
