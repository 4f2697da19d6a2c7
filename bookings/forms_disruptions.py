"""Forms of the staff changes that may hit bookings (bookings.disruptions): a downtime by hand or from an .ics file,
and the choice for each booking it hits. They parse input; the rules stay in the services."""

import base64
import binascii

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.web import TokyoDateTimeField
from equipment.models import Downtime

from .disruptions import ACTIONS, REASON_MAX, Resolution
from .models import Booking


def label(model, name: str) -> str:
    """The model field's own label: one wording for admin, API schema and pages."""
    return model._meta.get_field(name).verbose_name


class DowntimeForm(forms.Form):
    start = TokyoDateTimeField(label=label(Downtime, "start"))
    end = TokyoDateTimeField(label=label(Downtime, "end"))
    kind = forms.ChoiceField(label=label(Downtime, "kind"), choices=Downtime.Kind.choices)
    title = forms.CharField(
        label=label(Downtime, "title"), max_length=Downtime._meta.get_field("title").max_length, required=False
    )
    note = forms.CharField(label=label(Downtime, "note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].help_text = _("At most %(days)d days after the start.") % {"days": Downtime.MAX_SPAN.days}


class DowntimeImportForm(forms.Form):
    """The file, or on the choice page the same file carried back (`content`, base64) so it need not be chosen
    again."""

    file = forms.FileField(
        label=gettext_lazy("iCalendar file (.ics)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "text/calendar,.ics"}),
        help_text=gettext_lazy(
            "Events with the same UID update, cancelled ones (STATUS:CANCELLED) are removed; a file with any fault "
            "stores nothing."
        ),
    )
    kind = forms.ChoiceField(label=label(Downtime, "kind"), choices=Downtime.Kind.choices)
    content = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("file"):
            raw = data["file"].read()
        elif data.get("content"):
            try:
                raw = base64.b64decode(data["content"], validate=True)
            except (binascii.Error, ValueError):
                raise forms.ValidationError(_("Choose an .ics file.")) from None
        else:
            self.add_error("file", _("Choose an .ics file."))
            return data
        data["upload"] = SimpleUploadedFile("import.ics", raw, "text/calendar")
        data["carried"] = base64.b64encode(raw).decode()
        return data


CHOICES = [
    ("keep", gettext_lazy("Keep it and tell the requester")),
    ("propose", gettext_lazy("Propose another time")),
    ("cancel", gettext_lazy("Cancel it, with a reason")),
]
assert [value for value, _label in CHOICES] == list(ACTIONS)


class ResolutionForm(forms.Form):
    """The choice for one affected booking (prefixed by its id)."""

    booking = forms.IntegerField(widget=forms.HiddenInput)
    sequence = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(label=gettext_lazy("What to do"), choices=CHOICES, widget=forms.RadioSelect)
    start = TokyoDateTimeField(label=gettext_lazy("Proposed start"), required=False)
    end = TokyoDateTimeField(label=gettext_lazy("Proposed end"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason or note to the requester"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def resolution(self) -> Resolution:
        data = self.cleaned_data
        return Resolution(
            booking=data["booking"],
            action=data["action"],
            start=data.get("start"),
            end=data.get("end"),
            reason=data.get("reason") or "",
            sequence=data.get("sequence"),
        )


def resolution_forms(bookings: list[Booking], data=None) -> list[tuple[Booking, ResolutionForm]]:
    """One choice form per affected booking, bound to `data` when the choices were sent."""
    return [
        (
            booking,
            ResolutionForm(
                data,
                prefix=f"b{booking.id}",
                initial={"booking": booking.id, "sequence": booking.sequence, "action": "keep"},
            ),
        )
        for booking in bookings
    ]
