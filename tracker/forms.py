"""Forms of the tracker pages: they translate between HTTP and the services' arguments.

Forms only check types and shapes (a date is a date, a percent a whole number); every rule
of the workflow stays in ``tracker.services``, whose DomainError messages the pages show.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ReportCycle
from .services import ReportInput


def _date_input():
    """A native date picker; its value must be ISO whatever the language's date format."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the browser pick several files (``<input type=file multiple>``)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field whose cleaned value is a list of uploaded files (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        """Clean each file on its own; no file at all is an empty list."""
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


TARGET_PREFIX = "target_"


class ReportForm(forms.Form):
    """A progress report: the texts, the percent, one number per clause target, attachments.

    ``targets`` are the clause's Target rows (one optional number each); ``attachments`` the
    report's current attachments when editing, offered for removal; ``version`` is set when
    editing, so a stale edit is refused by the service instead of overwriting another one.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    progress = forms.CharField(
        label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    percent = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    problems = forms.CharField(
        label=_("Problems"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_steps = forms.CharField(
        label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    attachments = MultipleFileField(label=_("Attachments"))
    remove_attachments = forms.MultipleChoiceField(
        label=_("Remove attachments"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, targets=(), attachments=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_attachments = list(attachments)
        self.targets = list(targets)
        for target in self.targets:
            label = target.metric or target.text
            self.fields[f"{TARGET_PREFIX}{target.pk}"] = forms.DecimalField(
                label=label,
                help_text=_("Target: {text}").format(text=target.text),
                required=False,
                max_digits=20,
                decimal_places=4,
            )
        if self.existing_attachments:
            self.fields["remove_attachments"].choices = [
                (str(a.pk), a.name) for a in self.existing_attachments
            ]
        else:
            del self.fields["remove_attachments"]
        if not editing:
            del self.fields["version"]

    def target_fields(self):
        """The bound fields of the clause's targets, for the template."""
        return [self[f"{TARGET_PREFIX}{t.pk}"] for t in self.targets]

    def text_fields(self):
        """The bound text and percent fields, in the order a report reads."""
        return [self[name] for name in ("progress", "percent", "problems", "next_steps")]

    def report_input(self) -> ReportInput:
        """The cleaned form as the services' ReportInput."""
        data = self.cleaned_data
        actuals = {
            t.pk: data[f"{TARGET_PREFIX}{t.pk}"]
            for t in self.targets
            if data.get(f"{TARGET_PREFIX}{t.pk}") is not None
        }
        return ReportInput(
            progress=data["progress"],
            percent=data["percent"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            target_actuals=actuals,
            attachments=[(f.name, f) for f in data["attachments"]],
            remove_attachments=[int(pk) for pk in data.get("remove_attachments", [])],
        )


class CommentForm(forms.Form):
    """A free comment: a review comment, a decision comment, a closure note."""

    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(forms.Form):
    """A reason the service requires (reopening a task)."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ExtensionForm(forms.Form):
    """An extension request: the date asked for and why."""

    requested_due_date = forms.DateField(label=_("Requested due date"), widget=_date_input())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    """One assignment's plan, as the supervisor sets it; ``version`` catches a stale form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=_date_input())
    report_cycle = forms.ChoiceField(label=_("Reporting cycle"), choices=ReportCycle.choices)
    report_day = forms.IntegerField(
        label=_("Report day"),
        min_value=1,
        max_value=28,
        help_text=_("Day of the month after a period ends by which its report is due."),
    )
    needs_sign_off = forms.BooleanField(label=_("Needs the unit leader's sign-off"), required=False)

    @classmethod
    def for_assignment(cls, assignment):
        """An unbound form showing the assignment's current plan."""
        return cls(
            initial={
                "version": assignment.version,
                "due_date": assignment.due_date,
                "report_cycle": assignment.report_cycle,
                "report_day": assignment.report_day,
                "needs_sign_off": assignment.needs_sign_off,
            },
            prefix="plan",
        )

    def plan(self) -> dict:
        """The plan dict the planning services take."""
        data = self.cleaned_data
        return {name: data[name] for name in ("due_date", "report_cycle", "report_day")} | {
            "needs_sign_off": data["needs_sign_off"]
        }


KEEP = ""
SIGN_OFF_CHOICES = [(KEEP, _("Keep as it is")), ("yes", _("Yes")), ("no", _("No"))]


class BulkPlanForm(forms.Form):
    """A plan for every task of a document; an empty field leaves that part of the plan as is."""

    due_date = forms.DateField(label=_("Due date"), required=False, widget=_date_input())
    report_cycle = forms.ChoiceField(
        label=_("Reporting cycle"),
        choices=[(KEEP, _("Keep as it is")), *ReportCycle.choices],
        required=False,
    )
    report_day = forms.IntegerField(
        label=_("Report day"), min_value=1, max_value=28, required=False
    )
    needs_sign_off = forms.ChoiceField(
        label=_("Needs the unit leader's sign-off"), choices=SIGN_OFF_CHOICES, required=False
    )

    def clean(self):
        """An empty plan would change nothing: say so instead of recording a no-op."""
        cleaned = super().clean()
        if not self.errors and not self.plan():
            raise forms.ValidationError(_("Fill in at least one part of the plan."))
        return cleaned

    def plan(self) -> dict:
        """Only the parts the supervisor filled in."""
        data = self.cleaned_data
        plan = {}
        if data.get("due_date") is not None:
            plan["due_date"] = data["due_date"]
        if data.get("report_cycle"):
            plan["report_cycle"] = data["report_cycle"]
        if data.get("report_day") is not None:
            plan["report_day"] = data["report_day"]
        if data.get("needs_sign_off"):
            plan["needs_sign_off"] = data["needs_sign_off"] == "yes"
        return plan
