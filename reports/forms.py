"""Forms of the evaluation pages: they translate between HTTP and ``reports.services``.

Forms check types and shapes only; every rule (who may act, the appeal window, the sums of a
correction) stays in the services, whose DomainError messages the pages show.
"""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CORRECTABLE_FIELDS


def last_ended_code(today: date) -> str:
    """The code of the last half-year that ended before ``today`` (2026-03-01 → 2025H2)."""
    if today.month <= 6:
        return f"{today.year - 1}H2"
    return f"{today.year}H1"


def previous_code(code: str) -> str:
    """The half-year before ``code`` (2026H1 → 2025H2, 2026H2 → 2026H1)."""
    year, half = int(code[:4]), int(code[-1])
    return f"{year - 1}H2" if half == 1 else f"{year}H1"


class ComputeForm(forms.Form):
    """Compute (roll up) a period of a supervised jurisdiction."""

    code = forms.CharField(
        label=_("Period"), max_length=6, help_text=_("A half-year code, e.g. 2026H1.")
    )
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=None)
    force = forms.BooleanField(
        label=_("Compute before the period ends (preview)"),
        required=False,
        help_text=_("The figures are taken as of now; the scheduled rollup recomputes them."),
    )

    def __init__(self, *args, jurisdictions, today: date, **kwargs):
        """``jurisdictions``: the supervised ones, a non-empty list; a select only for several."""
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        field.queryset = type(jurisdictions[0]).objects.filter(pk__in=[j.pk for j in jurisdictions])
        if len(jurisdictions) == 1:
            field.widget = forms.HiddenInput()
            field.initial = jurisdictions[0].pk
        self.fields["code"].initial = last_ended_code(today)


class AppealForm(forms.Form):
    """A unit's appeal on one of its rows: a reason and an optional evidence file."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)


def _count_field(label):
    return forms.IntegerField(label=label, min_value=0, required=False)


class DecisionForm(forms.Form):
    """The supervisor's decision on an appeal: uphold, or correct the figures with a comment.

    The figure fields start with the row's current values; only the figures changed are sent
    to the service as corrections.
    """

    tasks_assigned = _count_field(_("tasks assigned"))
    tasks_done = _count_field(_("tasks done"))
    tasks_overdue = _count_field(_("tasks overdue"))
    reports_due = _count_field(_("reports due"))
    reports_on_time = _count_field(_("reports on time"))
    reports_late = _count_field(_("reports late"))
    reports_missing = _count_field(_("reports missing"))
    target_attainment = forms.DecimalField(
        label=_("target attainment"),
        min_value=0,
        max_value=1,
        decimal_places=4,
        required=False,
        help_text=_("Between 0 and 1; empty when no target has an actual."),
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    @classmethod
    def for_snapshot(cls, snapshot, **kwargs) -> "DecisionForm":
        """An unbound form showing the row's current figures."""
        initial = {name: getattr(snapshot, name) for name in CORRECTABLE_FIELDS}
        return cls(initial=initial, **kwargs)

    def figure_fields(self):
        return [self[name] for name in CORRECTABLE_FIELDS]

    def corrections(self, snapshot) -> dict:
        """The figures that differ from the row's current values."""
        changed = {}
        for name in CORRECTABLE_FIELDS:
            value = self.cleaned_data.get(name)
            current = getattr(snapshot, name)
            if name == "target_attainment":
                if value != current:
                    changed[name] = None if value is None else str(value)
            elif value is not None and value != current:
                changed[name] = value
        return changed


class PublishForm(forms.Form):
    """Publish a period; the checkbox waives the rest of the appeal window (audited)."""

    before_deadline = forms.BooleanField(
        label=_("Publish before the appeal deadline"), required=False
    )


class UnpublishForm(forms.Form):
    """Return a published period to draft (administrators; the reason is audited)."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
