"""The period picker of the report page: a fiscal year, a month or a range of days."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.errors import DomainError
from backend.periods import Period, fiscal_year_of, parse_period


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[("fy", _("Fiscal year")), ("month", pgettext_lazy("period kind", "Month")), ("range", _("Dates"))],
        initial="fy",
        widget=forms.RadioSelect,
    )
    fy = forms.CharField(label=_("Fiscal year"), required=False, max_length=4, widget=forms.Select)
    month = forms.CharField(
        label=pgettext_lazy("period kind", "Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    start = forms.CharField(
        label=_("First day"), required=False, max_length=10, widget=forms.TextInput(attrs={"type": "date"})
    )
    end = forms.CharField(
        label=_("Last day (included)"), required=False, max_length=10, widget=forms.TextInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = current_fiscal_year()
        self.fields["fy"].widget.choices = [
            (str(y), Period.fiscal_year(y).label) for y in range(this_year, this_year - 6, -1)
        ]
        self.fields["fy"].initial = str(this_year)

    def clean(self):
        """The period, parsed by the same code as the API; its refusal lands on the field it names."""
        data = super().clean()
        kind = data.get("kind")
        fields = {"fy": ["fy"], "month": ["month"], "range": ["start", "end"]}.get(kind, [])
        params = {name: (data.get(name) or "").strip() for name in fields}
        try:
            data["period"] = parse_period(params)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]

    def query(self) -> dict:
        """The API's parameters for this period (for the download links)."""
        kind = self.cleaned_data["kind"]
        names = {"fy": ["fy"], "month": ["month"], "range": ["start", "end"]}[kind]
        return {name: self.cleaned_data[name] for name in names}
