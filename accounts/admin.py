from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.errors import DomainError

from .models import Jurisdiction, Membership, Unit, UnitAlias, User
from .services import succeed_unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit", "jurisdiction"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "phone", "must_change_password")}),
    )
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


class SuccessorForm(forms.Form):
    """The successor of the units selected in the change list, among active units beside them."""

    successor = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Successor"),
        help_text=_("The body that does the work now, under its current name."),
    )

    def __init__(self, *args, jurisdiction, exclude, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Unit.objects.filter(
            jurisdiction=jurisdiction, is_active=True
        ).exclude(pk__in=exclude)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "jurisdiction", "is_active", "successor")
    list_filter = ("jurisdiction", "kind", "is_active")
    search_fields = ("name", "short_name", "aliases__name")
    autocomplete_fields = ["members"]
    # Set only by the succession action, which also moves the work, names and people.
    readonly_fields = ["successor"]
    inlines = [UnitAliasInline]
    list_select_related = ["jurisdiction", "successor"]
    actions = ["record_succession"]

    @admin.action(description=_("Record succession (rename or merger)…"), permissions=["change"])
    def record_succession(self, request, queryset):
        """Ask for the successor of the selected units, then hand each to ``succeed_unit``.

        Several units selected at once are a merger into one successor; they must share a
        jurisdiction. Each unit succeeds in its own transaction, and each outcome (counts
        or refusal) is reported as a message.
        """
        units = list(queryset.select_related("jurisdiction").order_by("name"))
        if len({unit.jurisdiction_id for unit in units}) != 1:
            self.message_user(
                request,
                _("Select units of one jurisdiction: a successor is in the same jurisdiction."),
                messages.ERROR,
            )
            return None
        form = SuccessorForm(
            request.POST if "apply" in request.POST else None,
            jurisdiction=units[0].jurisdiction,
            exclude=[unit.pk for unit in units],
        )
        if form.is_bound and form.is_valid():
            successor = form.cleaned_data["successor"]
            for unit in units:
                self._succeed(request, unit, successor)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record succession (rename or merger)"),
            "opts": self.model._meta,
            "units": units,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "record_succession",
        }
        return TemplateResponse(request, "admin/accounts/unit/record_succession.html", context)

    def _succeed(self, request, unit, successor):
        try:
            counts = succeed_unit(
                old=unit,
                successor=successor,
                by=request.user,
                ip_address=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            self.message_user(
                request,
                gettext("“{name}” was not changed: {reason}").format(
                    name=unit.name, reason=exc.message
                ),
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            gettext(
                "“{old}” is now succeeded by “{successor}”: {moved} open assignment(s) moved, "
                "{merged} merged into the successor's, {kept} left as history; "
                "{aliases} name(s) and {members} member(s) moved."
            ).format(
                old=unit.name,
                successor=successor.name,
                moved=counts["assignments_moved"],
                merged=counts["assignments_merged"],
                kept=counts["assignments_kept"],
                aliases=counts["aliases_moved"] + counts["aliases_added"],
                members=counts["memberships_moved"] + counts["memberships_merged"],
            ),
            messages.SUCCESS,
        )


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
