"""Forms of the booking pages: they parse input like the API serializers do; the rules stay in the services."""

import re

from django import forms

from backend.web import TokyoDateTimeField
from equipment.models import UsageMode


class RequestForm(forms.Form):
    start = TokyoDateTimeField(label="開始 (start)")
    end = TokyoDateTimeField(label="終了 (end)")
    mode = forms.ChoiceField(label="利用形態 (usage mode)")
    purpose = forms.CharField(
        label="利用目的 (purpose)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sample = forms.CharField(
        label="試料 (sample)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confidential = forms.BooleanField(
        label="成果非公開 (results not to be published)",
        required=False,
        help_text="利用目的・試料は申請者と機器担当者のみが見られます。 (Purpose and sample are shown only to you and the staff.)",
    )
    company = forms.TypedChoiceField(label="申請する企業 (company)", coerce=int, required=False)

    def __init__(self, *args, instrument, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [(m, UsageMode(m).label) for m in instrument.modes]
        if len(companies) > 1:
            self.fields["company"].choices = [(c.id, c.name) for c in companies]
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
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由 (reason)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalForm(ReasonForm):
    start = TokyoDateTimeField(label="提案する開始 (proposed start)")
    end = TokyoDateTimeField(label="提案する終了 (proposed end)")
    field_order = ["start", "end", "reason"]


class CompletionForm(forms.Form):
    actual_start = TokyoDateTimeField(label="実利用開始 (actual start)")
    actual_end = TokyoDateTimeField(label="実利用終了 (actual end)")


# "液体窒素, 3, 250" or "試料台，1，1,200円": the item (it may contain commas), the quantity, the unit price in yen
CONSUMABLE_LINE = re.compile(r"^\s*(.+?)\s*[,，]\s*(\d{1,6})\s*[,，]\s*(\d{1,3}(?:,\d{3})*|\d+)\s*円?\s*$")


class ConsumablesForm(forms.Form):
    """Consumables as lines of "品名, 数量, 単価" (the service checks the values and names the line at fault)."""

    consumables = forms.CharField(
        label="消耗品 (consumables)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "液体窒素, 3, 250"}),
        help_text="1行に1品: 品名, 数量, 単価（円・税抜）。空にすると削除します。 "
        "(One per line: item, quantity, unit price in yen before tax. Empty removes them.)",
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
                    f"{n}行目: 「品名, 数量, 単価」の形で入力してください。 (Line {n}: item, quantity, unit price.)"
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
        self.fields["consortium"].choices = [("", "")] + [(c.id, c.name) for c in consortia]
        self.fields["institution"].choices = [("", "")] + [(i.id, i.name) for i in institutions]
        self.fields["category"].choices = [("", "")] + [(c.code, c.name) for c in categories]
