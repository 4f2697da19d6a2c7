"""The usage-report form: parses like the API serializer; the rules stay in the service. Labels are the model
fields' own (one wording for admin, API schema and pages)."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Outcome, UsageReport


def label(name: str) -> str:
    return capfirst(UsageReport._meta.get_field(name).verbose_name)


class UsageReportForm(forms.Form):
    summary = forms.CharField(
        label=label("summary"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you examined, what you found, how it helped."),
    )
    outcome = forms.ChoiceField(label=label("outcome"), choices=Outcome.choices)
    publishable = forms.BooleanField(
        label=_("The outcome may be published"),
        required=False,
        help_text=_("The consortium may cite it, e.g. as a case study."),
    )
    embargo_until = forms.DateField(
        label=label("embargo_until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Nothing is shown before this day, e.g. until a patent is filed."),
    )
    publications = forms.CharField(
        label=label("publications"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
