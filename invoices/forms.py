"""Forms of the invoice pages: they parse like the API serializers; the rules stay in the services."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.errors import DomainError
from consortia.models import BillingDetails, FeePolicy, Institution

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


# The institution's details page: each field with the model's own label, help and limits (consortia.billing).
FEE_FIELDS = ["confidential_multiplier", "outside_region_multiplier", "large_company_multiplier", "staff_rate_jpy"]
ACCOUNT_FIELDS = ["bank_name", "bank_branch", "account_type", "account_number", "account_holder"]
TERM_FIELDS = ["payment_term", "payment_days", "quotation_valid_days"]
CONTACT_FIELDS = ["contact_department", "contact_phone", "contact_email"]
INSTITUTION_FIELDS = ["registration_number", "usage_report_due_days"]


class InstitutionDetailsForm(forms.Form):
    """The fee policy, payment details and term, quotation validity, billing contact, registration number and
    usage-report deadline of one institution, as its administrators edit them. The form parses; the service
    validates beside the models and refuses naming the field."""

    SECTIONS = [
        ("fees", _("Fee policy"), FEE_FIELDS),
        ("account", _("Account to pay into"), ACCOUNT_FIELDS),
        ("terms", _("Payment term and quotations"), TERM_FIELDS),
        ("contact", _("Contact for questions"), CONTACT_FIELDS),
        ("invoices", _("Invoices and usage reports"), INSTITUTION_FIELDS),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(FeePolicy, fields=FEE_FIELDS))
        self.fields.update(forms.fields_for_model(BillingDetails, fields=ACCOUNT_FIELDS + TERM_FIELDS + CONTACT_FIELDS))
        self.fields.update(forms.fields_for_model(Institution, fields=INSTITUTION_FIELDS))
        self.fields["account_number"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["contact_phone"].widget.attrs.update(inputmode="tel", autocomplete="off")

    def sections(self):
        return [(key, title, [self[name] for name in names]) for key, title, names in self.SECTIONS]

    @staticmethod
    def initial_of(institution, policy, billing) -> dict:
        rows = ((policy, FEE_FIELDS), (billing, ACCOUNT_FIELDS + TERM_FIELDS + CONTACT_FIELDS))
        values = {name: getattr(row, name) for row, names in rows for name in names}
        return {**values, **{name: getattr(institution, name) for name in INSTITUTION_FIELDS}}

    def changes(self) -> dict:
        """The cleaned values as the service takes them (empty text fields as empty strings)."""
        return {
            name: ("" if value is None and name not in NULLABLE else value) for name, value in self.cleaned_data.items()
        }


NULLABLE = {"large_company_multiplier", "staff_rate_jpy"}
