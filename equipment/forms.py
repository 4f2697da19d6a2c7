"""Forms of the staff pages: they parse input as the API serializers do (same limits); the rules stay in
the services, whose refusals the pages show next to the field they name."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.errors import DomainError

from .models import (
    Category,
    Instrument,
    Manual,
    OpeningHours,
    Photo,
    Qualification,
    Rate,
    UsageMode,
    UserCategory,
)


def label(model, name: str) -> str:
    """The model field's own label ("name"): one wording for admin, API schema and pages."""
    return model._meta.get_field(name).verbose_name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# --- Instruments -------------------------------------------------------------------------------
SPEC_SEPARATOR = re.compile(r"[:：]")  # a Japanese keyboard types the full-width colon
MAX_SPECS, MAX_SPEC_KEY, MAX_SPEC_VALUE = 100, 100, 1000  # the API's limits (InstrumentWriteSerializer)
TOO_MANY_SPECS = gettext_lazy("At most %(max)d specification items.")


def specs_as_text(specs) -> str:
    """The specifications as the form shows them: one "name: value" a line."""
    if not isinstance(specs, dict):
        return ""
    return "\n".join(f"{key}: {value}" for key, value in specs.items())


def parse_specs(text: str, previous=None) -> dict:
    """ "加速電圧: 0.1–30 kV" lines into a dict. A value left as it was keeps its stored type (a number
    stays a number); anything else is text, as the API stores it."""
    previous = previous if isinstance(previous, dict) else {}
    specs: dict = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = SPEC_SEPARATOR.split(line, maxsplit=1)
        key, value = (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else ("", "")
        if not key:
            raise forms.ValidationError(_("Line %(line)d: write it as “name: value”.") % {"line": number})
        if key in specs:
            raise forms.ValidationError(_("Line %(line)d: “%(name)s” is given twice.") % {"line": number, "name": key})
        if len(key) > MAX_SPEC_KEY or len(value) > MAX_SPEC_VALUE:
            raise forms.ValidationError(
                _("Line %(line)d is too long: names up to %(name_max)d, values up to %(value_max)d characters.")
                % {"line": number, "name_max": MAX_SPEC_KEY, "value_max": MAX_SPEC_VALUE}
            )
        old = previous.get(key)
        specs[key] = old if old is not None and not isinstance(old, str) and str(old) == value else value
    if len(specs) > MAX_SPECS:
        raise forms.ValidationError(TOO_MANY_SPECS % {"max": MAX_SPECS})
    return specs


def number(name: str, low: int, high: int) -> forms.IntegerField:
    return forms.IntegerField(label=label(Instrument, name), min_value=low, max_value=high)


class InstrumentForm(forms.Form):
    """Create or edit an instrument. The institution is chosen only when creating, among the user's own."""

    institution = forms.ModelChoiceField(label=label(Instrument, "institution"), queryset=None, empty_label=None)
    category = forms.ModelChoiceField(label=label(Instrument, "category"), queryset=Category.objects.order_by("id"))
    # The Japanese name and description are Japanese whatever the page's language (`lang` tells browsers and
    # screen readers); the English ones are optional, and English pages fall back to the Japanese.
    name = forms.CharField(
        label=label(Instrument, "name"), max_length=200, widget=forms.TextInput(attrs={"lang": "ja"})
    )
    name_en = forms.CharField(
        label=label(Instrument, "name_en"), max_length=200, required=False, widget=forms.TextInput(attrs={"lang": "en"})
    )
    maker = forms.CharField(label=label(Instrument, "maker"), max_length=100, required=False)
    model = forms.CharField(label=label(Instrument, "model"), max_length=100, required=False)
    location = forms.CharField(label=label(Instrument, "location"), max_length=200, required=False)
    description = forms.CharField(
        label=label(Instrument, "description"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "ja"}),
    )
    description_en = forms.CharField(
        label=label(Instrument, "description_en"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=gettext_lazy("Shown on English pages; without it they show the Japanese description."),
    )
    specs = forms.CharField(
        label=label(Instrument, "specs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One item a line, as “name: value” (e.g. “Accelerating voltage: 0.1–30 kV”)."),
    )
    modes = forms.MultipleChoiceField(
        label=label(Instrument, "modes"), choices=UsageMode.choices, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=label(Instrument, "status"), choices=Instrument.Status.choices)
    requires_qualification = forms.BooleanField(label=label(Instrument, "requires_qualification"), required=False)
    slot_minutes = number("slot_minutes", 5, 1440)
    min_minutes = number("min_minutes", 5, 10080)
    max_minutes = number("max_minutes", 5, 10080)
    lead_time_hours = number("lead_time_hours", 0, 8760)
    horizon_days = number("horizon_days", 1, 730)
    setup_minutes = number("setup_minutes", 0, 1440)
    cleanup_minutes = number("cleanup_minutes", 0, 1440)
    cancellation_deadline_hours = number("cancellation_deadline_hours", 0, 8760)
    decision_limit_hours = number("decision_limit_hours", 1, 8760)

    GROUPS = [
        (
            gettext_lazy("About the instrument"),
            [
                "institution",
                "category",
                "name",
                "name_en",
                "maker",
                "model",
                "location",
                "description",
                "description_en",
                "specs",
                "status",
            ],
        ),
        (
            gettext_lazy("Booking rules"),
            [
                "modes",
                "requires_qualification",
                *Instrument.BOOKING_RULE_FIELDS,
            ],
        ),
    ]
    SERVICE_FIELDS = [
        "category",
        "name",
        "name_en",
        "maker",
        "model",
        "location",
        "description",
        "description_en",
        "specs",
        "modes",
        "status",
        "requires_qualification",
        *Instrument.BOOKING_RULE_FIELDS,
    ]

    def __init__(self, *args, institutions=None, instrument: Instrument | None = None, **kwargs):
        self.instrument = instrument
        if instrument is not None:
            kwargs.setdefault("initial", self.initial_of(instrument))
        else:
            kwargs.setdefault("initial", self.defaults())
        super().__init__(*args, **kwargs)
        if instrument is None or instrument.status != Instrument.Status.RETIRED:  # retiring is its own form
            self.fields["status"].choices = [c for c in Instrument.Status.choices if c[0] != Instrument.Status.RETIRED]
        if instrument is not None or institutions is None:
            del self.fields["institution"]  # an instrument never moves to another institution
        else:
            self.fields["institution"].queryset = institutions
            if len(institutions) == 1:
                self.fields["institution"].widget = forms.HiddenInput()
                self.fields["institution"].initial = institutions[0].pk

    @staticmethod
    def defaults() -> dict:
        """A new instrument starts from the model's defaults (and the service's default modes)."""
        initial = {
            name: Instrument._meta.get_field(name).get_default()
            for name in InstrumentForm.SERVICE_FIELDS
            if name not in {"category", "specs", "modes"}
        }
        return {**initial, "modes": [UsageMode.ASSISTED, UsageMode.COMMISSIONED]}

    @staticmethod
    def initial_of(instrument: Instrument) -> dict:
        initial = {name: getattr(instrument, name) for name in InstrumentForm.SERVICE_FIELDS}
        return {**initial, "category": instrument.category_id, "specs": specs_as_text(instrument.specs)}

    def clean_specs(self):
        return parse_specs(self.cleaned_data["specs"], self.instrument.specs if self.instrument else None)

    def groups(self):
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.GROUPS]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}


WEEKDAY_CHOICES = [("", "—"), *OpeningHours.WEEKDAYS]


class OpeningHoursRow(forms.Form):
    """One open interval of a weekday. A row left blank is no interval; the service checks the times."""

    weekday = forms.TypedChoiceField(
        label=label(OpeningHours, "weekday"), choices=WEEKDAY_CHOICES, coerce=int, empty_value=None, required=False
    )
    opens = forms.TimeField(label=label(OpeningHours, "opens"), required=False, widget=TimeInput())
    closes = forms.TimeField(label=label(OpeningHours, "closes"), required=False, widget=TimeInput())

    def clean(self):
        data = super().clean()
        given = {name: data.get(name) for name in ("weekday", "opens", "closes")}
        if any(value is not None for value in given.values()):
            for name, value in given.items():
                if value is None and name not in self.errors:
                    self.add_error(name, forms.Field.default_error_messages["required"])
        return data

    def interval(self) -> dict | None:
        data = self.cleaned_data
        if data.get("DELETE") or data.get("weekday") is None:
            return None
        return {"weekday": data["weekday"], "opens": data["opens"], "closes": data["closes"]}


class BaseOpeningHoursFormSet(forms.BaseFormSet):
    def intervals(self) -> list[tuple[forms.Form, dict]]:
        """The rows that make the schedule, each with its form (to show the service's refusal next to it)."""
        return [(form, form.interval()) for form in self.forms if form.interval() is not None]

    def attach_refusal(self, error: DomainError, rows) -> None:
        """`opening_hours[i]` names the i-th interval sent to the service: shown on that row."""
        match = re.fullmatch(r"opening_hours\[(\d+)\]", error.field or "")
        if match and int(match[1]) < len(rows):
            rows[int(match[1])][0].add_error(None, error.message)
        else:
            self.non_form_errors().append(error.message)


OpeningHoursFormSet = forms.formset_factory(
    OpeningHoursRow, formset=BaseOpeningHoursFormSet, extra=3, can_delete=True, max_num=60, validate_max=True
)


def opening_hours_formset(instrument: Instrument, data=None) -> BaseOpeningHoursFormSet:
    """The stored schedule as rows, with empty rows to add more. Sent back, every row is read as typed (no
    `initial` then: a row equal to the one shown at its place must not count as left empty)."""
    hours = instrument.opening_hours.all()
    initial = (
        None if data is not None else [{"weekday": h.weekday, "opens": h.opens, "closes": h.closes} for h in hours]
    )
    formset = OpeningHoursFormSet(data, initial=initial, prefix="hours")
    for form in formset.forms:
        form.fields["DELETE"].label = _("remove")
    return formset


class RetireForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Retire this instrument"),
        help_text=gettext_lazy(
            "No new requests are taken; bookings and records are kept. Set the status back to available to reopen it."
        ),
        error_messages={"required": gettext_lazy("Tick to confirm.")},
    )


# --- Rates, manuals, photos --------------------------------------------------------------------
class RateForm(forms.Form):
    user_category = forms.ChoiceField(label=label(Rate, "user_category"), choices=UserCategory.choices)
    mode = forms.ChoiceField(label=label(Rate, "mode"), choices=UsageMode.choices)
    unit = forms.ChoiceField(label=label(Rate, "unit"), choices=Rate.Unit.choices, initial=Rate.Unit.HOUR)
    amount_jpy = forms.IntegerField(label=label(Rate, "amount_jpy"), min_value=0, max_value=100_000_000)
    valid_from = forms.DateField(
        label=label(Rate, "valid_from"),
        widget=DateInput(),
        help_text=gettext_lazy("A rate that has started cannot be deleted; a newer one replaces it."),
    )


class ManualForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF file"),
        allow_empty_file=True,  # the service checks the content and says what is wrong
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    title = forms.CharField(label=label(Manual, "title"), max_length=200)
    version = forms.CharField(
        label=label(Manual, "version"),
        max_length=40,
        help_text=gettext_lazy("E.g. 2.1 or April 2026; older versions stay listed."),
    )
    language = forms.ChoiceField(label=label(Manual, "language"), choices=settings.LANGUAGES, initial="ja")


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("image (JPEG, PNG or WebP)"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=gettext_lazy("Location and other metadata are removed."),
    )
    caption = forms.CharField(label=label(Photo, "caption"), max_length=200, required=False)
    position = forms.IntegerField(
        label=label(Photo, "position"),
        min_value=0,
        max_value=10_000,
        required=False,
        help_text=gettext_lazy("Blank: added last."),
    )


# --- Downtime --------------------------------------------------------------------------------
# --- Qualifications ----------------------------------------------------------------------------
class QualificationForm(forms.Form):
    # Plain text: the service looks the user up, with one answer for nobody and for somebody staff may not qualify.
    user = forms.CharField(label=gettext_lazy("user (username or e-mail)"), max_length=254)
    expires_on = forms.DateField(
        label=label(Qualification, "expires_on"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Blank: no expiry."),
    )
    note = forms.CharField(label=label(Qualification, "note"), max_length=200, required=False)
