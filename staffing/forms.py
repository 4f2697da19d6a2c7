"""The forms of the staffing pages: they parse what people type; the services decide (staffing.services)."""

import re
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WorkingHours
from .services import NOTE_MAX

STRETCH = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~〜]\s*(\d{1,2}):(\d{2})\s*$")


def _time(hours: str, minutes: str) -> time | None:
    h, m = int(hours), int(minutes)
    return time(h, m) if 0 <= h <= 23 and 0 <= m <= 59 else None


class WeeklyPatternForm(forms.Form):
    """One line a weekday: its stretches as "09:00-12:00, 13:00-17:30" (empty: not at work that day)."""

    def __init__(self, *args, pattern=(), **kwargs):
        by_day: dict[int, list[str]] = {}
        for weekday, starts, ends in pattern:
            by_day.setdefault(weekday, []).append(f"{starts:%H:%M}-{ends:%H:%M}")
        initial = {f"day_{d}": ", ".join(stretches) for d, stretches in by_day.items()}
        super().__init__(*args, initial=initial, **kwargs)
        for weekday, label in WorkingHours.WEEKDAYS:
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "09:00-12:00, 13:00-17:30", "inputmode": "numeric"}),
            )

    def clean(self):
        data = super().clean()
        pattern, field_of = [], []
        for weekday, _label in WorkingHours.WEEKDAYS:
            name = f"day_{weekday}"
            for piece in filter(None, (p.strip() for p in (data.get(name) or "").replace("、", ",").split(","))):
                match = STRETCH.match(piece)
                starts = match and _time(*match.group(1, 2))
                ends = match and _time(*match.group(3, 4))
                if starts is None or ends is None or not match:
                    self.add_error(name, _("Write each stretch as 09:00-12:00."))
                    break
                pattern.append((weekday, starts, ends))
                field_of.append(name)
        data["pattern"], self.field_of = pattern, field_of
        return data


class ConsentForm(forms.Form):
    named_in_reports = forms.BooleanField(label=_("I agree to be named in the consortium's reports"), required=False)


class EnrolForm(forms.Form):
    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = forms.ModelChoiceField(label=_("Staff member"), queryset=candidates, empty_label="—")
        self.fields["user"].label_from_instance = lambda user: user.display_name
        self.fields["named_in_reports"] = forms.BooleanField(
            label=_("They agreed to be named in the consortium's reports"), required=False
        )


class ProposeAgreementForm(forms.Form):
    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consortium"] = forms.ModelChoiceField(label=_("Consortium"), queryset=choices["consortia"])
        self.fields["consortium"].label_from_instance = lambda c: c.localized_name
        self.fields["operator"] = forms.ModelChoiceField(label=_("Operator lent"), queryset=choices["operators"])
        self.fields["operator"].label_from_instance = lambda o: (
            f"{o.user.display_name} — {o.institution.localized_name}"
        )
        self.fields["borrower"] = forms.ModelChoiceField(
            label=_("Borrowing institution"), queryset=choices["institutions"]
        )
        self.fields["borrower"].label_from_instance = lambda i: i.localized_name
        self.fields["instruments"] = forms.ModelMultipleChoiceField(
            label=_("Instruments of the borrowing institution"), queryset=choices["instruments"]
        )
        self.fields["instruments"].label_from_instance = lambda i: (
            f"{i.localized_name} — {i.institution.localized_name}"
        )
        self.fields["valid_from"] = forms.DateField(
            label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["valid_until"] = forms.DateField(
            label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["hourly_rate_jpy"] = forms.IntegerField(
            label=_("Hourly rate between the institutions (JPY, before tax)"), min_value=1
        )
        self.fields["note"] = forms.CharField(
            label=_("Note"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
        )
