"""Forms of an operator's absences (bookings.absences): one by hand, an .ics file, and the choice for each assigned
booking an absence hits. They parse input; the rules stay in the services (staffing.absences, bookings.absences)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from backend.web import TokyoDateTimeField
from staffing.models import Absence

from .disruptions import ABSENCE_ACTIONS, REASON_MAX, Resolution
from .forms_disruptions import DowntimeImportForm, label
from .models import Booking
from .selectors.operators import Offer


class AbsenceForm(forms.Form):
    start = TokyoDateTimeField(label=label(Absence, "start"))
    end = TokyoDateTimeField(label=label(Absence, "end"))
    kind = forms.ChoiceField(label=label(Absence, "kind"), choices=Absence.Kind.choices)
    title = forms.CharField(
        label=label(Absence, "title"), max_length=Absence._meta.get_field("title").max_length, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].help_text = _("At most %(days)d days after the start.") % {"days": Absence.MAX_SPAN.days}


class AbsenceImportForm(DowntimeImportForm):
    """The file (or, on the choice page, the same file carried back) and the kind its absences get."""

    kind = forms.ChoiceField(label=label(Absence, "kind"), choices=Absence.Kind.choices)


CHOICES = [
    ("reassign", gettext_lazy("Reassign it to another operator")),
    ("propose", gettext_lazy("Propose another time")),
    ("cancel", gettext_lazy("Cancel it, with a reason")),
]
assert [value for value, _label in CHOICES] == list(ABSENCE_ACTIONS)


def operator_label(offer: Offer) -> str:
    name = offer.operator.user.get_full_name() or offer.operator.user.username
    if offer.lent:
        return _("%(name)s (lent by %(institution)s)") % {
            "name": name,
            "institution": offer.operator.institution.localized_name,
        }
    return name


class AbsenceResolutionForm(forms.Form):
    """The choice for one booking the absence hits (prefixed by its id); `offers`: the free operators who could
    stand in."""

    booking = forms.IntegerField(widget=forms.HiddenInput)
    sequence = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(label=gettext_lazy("What to do"), choices=CHOICES, widget=forms.RadioSelect)
    operator = forms.TypedChoiceField(
        label=pgettext_lazy("reassign to", "Operator"), coerce=int, empty_value=None, required=False
    )
    start = TokyoDateTimeField(label=gettext_lazy("Proposed start"), required=False)
    end = TokyoDateTimeField(label=gettext_lazy("Proposed end"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason or note to the requester"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, offers: list[Offer] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [
            ("", _("The first free operator")),
            *[(offer.operator.id, operator_label(offer)) for offer in offers],
        ]
        if not offers:
            self.fields["operator"].help_text = _("Nobody else is free for this booking now.")

    def resolution(self) -> Resolution:
        data = self.cleaned_data
        return Resolution(
            booking=data["booking"],
            action=data["action"],
            operator=data.get("operator"),
            start=data.get("start"),
            end=data.get("end"),
            reason=data.get("reason") or "",
            sequence=data.get("sequence"),
        )


def absence_resolution_forms(
    bookings: list[Booking], offers: dict[int, list[Offer]], data=None
) -> list[tuple[Booking, AbsenceResolutionForm]]:
    """One choice form per booking hit, bound to `data` when the choices were sent; reassign is the default."""
    return [
        (
            booking,
            AbsenceResolutionForm(
                data,
                prefix=f"b{booking.id}",
                offers=offers.get(booking.id, []),
                initial={"booking": booking.id, "sequence": booking.sequence, "action": "reassign"},
            ),
        )
        for booking in bookings
    ]
