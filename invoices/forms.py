"""Forms of the invoice pages: they parse like the API serializers; the rules stay in the services."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.errors import DomainError

from .selectors import parse_month


def last_month() -> str:
    return f"{timezone.localdate().replace(day=1) - timedelta(days=1):%Y-%m}"


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class RunForm(forms.Form):
    institution = forms.TypedChoiceField(label=_("Institution"), coerce=int)
    month = MonthField(label=_("Month invoiced"))

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(i.id, i.localized_name) for i in institutions]
        if len(institutions) == 1:
            self.fields["institution"].widget = forms.HiddenInput()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reissue = forms.BooleanField(
        label=_("Issue a replacement for the same use"),
        required=False,
        initial=True,
        help_text=_("Unticked: the invoice is only cancelled, and the next run invoices the use again."),
    )


class MonthFilter(forms.Form):
    month = MonthField(label=_("Month invoiced"), required=False)
