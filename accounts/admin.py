from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Jurisdiction, Membership, Unit, UnitAlias, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit", "jurisdiction"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Profile"), {"fields": ("display_name", "phone")}))
    list_display = ("username", "display_name", "email", "is_staff", "is_active")
    inlines = [MembershipInline]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "province")
    search_fields = ("name", "short_name")


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0
    fields = ("name",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "jurisdiction", "is_active")
    list_filter = ("jurisdiction", "kind", "is_active")
    search_fields = ("name", "short_name", "aliases__name")
    autocomplete_fields = ["members"]
    inlines = [UnitAliasInline]
    list_select_related = ["jurisdiction"]


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "jurisdiction")
    list_filter = ("jurisdiction",)
    search_fields = ("name", "unit__name")
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "jurisdiction"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "jurisdiction")
    list_filter = ("role", "jurisdiction")
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit", "jurisdiction"]
