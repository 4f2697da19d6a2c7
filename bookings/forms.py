"""Forms of the booking pages: they parse input like the API serializers do; the rules stay in the services."""

import re
import secrets

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backend.web import TokyoDateTimeField
from equipment.models import UsageMode

from .models import REQUEST_KEY_MAX, TEXT_MAX
from .selectors.operators import OPERATED_MODES, first_free


class RequestForm(forms.Form):
    start = TokyoDateTimeField(label=_("Start"))
    end = TokyoDateTimeField(label=_("End"))
    mode = forms.ChoiceField(label=_("Usage mode"))
    purpose = forms.CharField(
        label=_("Purpose"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sample = forms.CharField(
        label=_("Sample"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confidential = forms.BooleanField(
        label=_("Results not to be published"),
        required=False,
        help_text=_("Purpose and sample are shown only to you and the instrument's staff."),
    )
    company = forms.TypedChoiceField(label=_("Company requesting"), coerce=int, required=False)
    preferred_operator = forms.TypedChoiceField(
        label=_("Preferred operator (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("For staff-assisted use and commissioned analysis; the staff assign a free operator otherwise."),
    )
    # A one-time token, issued when the form is shown: the request's idempotency key, so that a double click, Back
    # and send again, or a retried send make one booking (bookings.services.request_booking).
    request_key = forms.CharField(max_length=REQUEST_KEY_MAX, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, instrument, companies=(), operators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_key"].initial = new_request_key()
        self.fields["mode"].choices = [(m, UsageMode(m).label) for m in instrument.modes]
        if operators and any(m in OPERATED_MODES for m in instrument.modes):  # names only: who, not their time
            self.fields["preferred_operator"].choices = [("", _("No preference"))] + [
                (o.id, o.user.display_name) for o in operators
            ]
        else:
            del self.fields["preferred_operator"]
        if len(companies) > 1:
            self.fields["company"].choices = [(c.id, c.name) for c in companies]  # a company's name is data
            self.fields["company"].required = True
        else:
            del self.fields["company"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "mode": data["mode"],
            "purpose": data["purpose"],
            "sample": data["sample"],
            "confidential": data["confidential"],
            "company_id": data.get("company"),
            # a self-operated request reserves nobody: a choice left in the form from another mode is dropped
            "preferred_operator": data.get("preferred_operator") if data["mode"] in OPERATED_MODES else None,
        }

    def renew_request_key(self) -> None:
        """A new token for the form shown again after its token was spent on another request."""
        self.data = self.data.copy()
        self.data[self.add_prefix("request_key")] = new_request_key()


def new_request_key() -> str:
    return secrets.token_urlsafe(24)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OperatorChoiceForm(ReasonForm):
    """Approve (or reassign) with an operator: one of the free offers (`bookings.assignments.offers`), the first
    free one chosen unless staff pick another. The page lists the offers not free too, greyed, with why."""

    operator = forms.TypedChoiceField(
        label=_("Operator"), coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )
    field_order = ["operator", "reason"]

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [(o.operator.id, o.operator.user.display_name) for o in offers]
        first = first_free(list(offers))
        self.fields["operator"].initial = first.operator.id if first else None


class ProposalForm(ReasonForm):
    start = TokyoDateTimeField(label=_("Proposed start"))
    end = TokyoDateTimeField(label=_("Proposed end"))
    field_order = ["start", "end", "reason"]


class CompletionForm(forms.Form):
    actual_start = TokyoDateTimeField(label=_("Actual start"))
    actual_end = TokyoDateTimeField(label=_("Actual end"))


# "液体窒素, 3, 250" or "試料台，1，1,200円": the item (it may contain commas), the quantity, the unit price in yen
CONSUMABLE_LINE = re.compile(r"^\s*(.+?)\s*[,，]\s*(\d{1,6})\s*[,，]\s*(\d{1,3}(?:,\d{3})*|\d+)\s*円?\s*$")


class ConsumablesForm(forms.Form):
    """Consumables as lines of "name, quantity, unit price" (the service checks the values and names the line at
    fault)."""

    consumables = forms.CharField(
        label=_("Consumables"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Liquid nitrogen, 3, 250")}),
        help_text=_("One item per line: name, quantity, unit price in yen before tax. Empty removes them."),
    )

    @staticmethod
    def as_text(items) -> str:
        return "\n".join(f"{i['label']}, {i['quantity']}, {i['unit_price_jpy']}" for i in items or [])

    def clean_consumables(self):
        items = []
        for n, line in enumerate((self.cleaned_data["consumables"] or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = CONSUMABLE_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    gettext("Line %(n)d: write the item as “name, quantity, unit price”.") % {"n": n}
                )
            label, quantity, price = match.groups()
            items.append({"label": label, "quantity": int(quantity), "unit_price_jpy": int(price.replace(",", ""))})
        return items


class CatalogueFilter(forms.Form):
    """The catalogue's filters; a bad value is ignored with a message, never a 500."""

    q = forms.CharField(required=False, max_length=200)
    consortium = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    institution = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(required=False)
    mode = forms.ChoiceField(required=False, choices=[("", "")] + list(UsageMode.choices))
    free7 = forms.BooleanField(required=False)

    def __init__(self, *args, consortia, institutions, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consortium"].choices = [("", "")] + [(c.id, c.localized_name) for c in consortia]
        self.fields["institution"].choices = [("", "")] + [(i.id, i.localized_name) for i in institutions]
        self.fields["category"].choices = [("", "")] + [(c.code, c.localized_name) for c in categories]
