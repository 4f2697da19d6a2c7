"""Forms of the consultation pages: they parse input as the API serializers do (same limits); the rules stay in
consultations.services, whose refusals the pages show next to the field they name."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from backend.i18n import long_datetime, span_end
from backend.plumbing import ID_MAX
from consortia.models import Company
from consortia.selectors import companies_with_ids, consortium_list, institution_choices
from equipment.selectors import instrument_choices

from . import services
from .models import Consultation, ExpertProfile, Referral

TEXT = {"max_length": services.TEXT_MAX}


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in one box per institution, each box scrolling when long: a thumb ticks them on a phone, where a
    multiple select asks for Ctrl-click. `data-group` names the box's institution (consultations/referral.js shows
    only the chosen institution's)."""

    template_name = "consultations/widgets/grouped_checkboxes.html"


def label(model, name: str) -> str:
    """The model field's own label ("title"), capitalised as a form writes it: one wording for admin, API schema
    and pages."""
    return capfirst(model._meta.get_field(name).verbose_name)


class IdsField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)


# --- Asking --------------------------------------------------------------------------------------------------------
class ConsultationForm(forms.Form):
    title = forms.CharField(
        label=label(Consultation, "title"),
        max_length=services.TITLE_MAX,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. We want to look at the fracture surface of a resin part")}
        ),
        help_text=_("In a few words."),
    )
    description = forms.CharField(
        label=label(Consultation, "description"),
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": _(
                    "e.g. We want to look at the fracture surface of a resin part. An injection-moulded part "
                    "cracked and we want to find out why."
                ),
            }
        ),
        help_text=_(
            "No jargon needed: say in everyday words what the problem is, what you want to know and what the sample "
            "is. Sending shows the institutions, instruments and experts that fit at once."
        ),
        **TEXT,
    )
    consortium = forms.TypedChoiceField(
        label=_("Consortium asked"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Left empty, it goes to the consortium of your prefecture."),
    )
    confidential = forms.BooleanField(
        label=_("Ask confidentially"),
        required=False,
        help_text=_(
            "Title and text never go into e-mails; only you, the coordinators and the referred staff read them."
        ),
    )
    company = forms.TypedChoiceField(label=_("Company asking"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consortium"].choices = [("", _("The consortium of your prefecture (automatic)"))] + [
            (c.id, c.localized_name) for c in consortium_list()
        ]
        if len(companies) > 1:
            self.fields["company"].choices = [("", "")] + [(c.id, c.name) for c in companies]
            self.fields["company"].required = True
        else:
            del self.fields["company"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        consortium = consortium_list().filter(pk=data["consortium"]).first() if data["consortium"] else None
        return {
            "title": data["title"],
            "description": data["description"],
            "consortium": consortium,
            "company_id": data.get("company"),
        }


def companies_of(access) -> list[Company]:
    return list(companies_with_ids(access.member_of))


# --- The thread ----------------------------------------------------------------------------------------------------
class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), **TEXT)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=label(Consultation, "outcome"), choices=[("", "")] + list(Consultation.Outcome.choices)
    )


class ReferForm(forms.Form):
    """A coordinator refers to an institution of any consortium; instruments and experts are grouped by
    institution (a small script hides the other institutions' groups; without it the service refuses a
    mismatch next to the field)."""

    institution = forms.TypedChoiceField(label=label(Referral, "institution"), coerce=int, empty_value=None)
    note = forms.CharField(
        label=label(Referral, "note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Read by the institution and by the company."),
        **TEXT,
    )
    instruments = IdsField(label=_("Instruments to name (optional)"), widget=GroupedCheckboxes)
    experts = IdsField(label=_("Experts to name (optional)"), widget=GroupedCheckboxes)

    def __init__(self, *args, consultation: Consultation, institutions, instruments, experts, **kwargs):
        super().__init__(*args, **kwargs)
        here, elsewhere = [], []
        for institution in institutions:
            own = consultation.consortium_id in {m.consortium_id for m in institution.memberships_in_force}
            (here if own else elsewhere).append((institution.id, institution.localized_name))
        self.fields["institution"].choices = [("", "")] + [
            (consultation.consortium.localized_name, here),
            (_("Other consortia (wide-area cooperation)"), elsewhere),
        ]
        self.fields["instruments"].choices = _grouped(instruments, lambda i: i.localized_name)
        self.fields["experts"].choices = _grouped(experts, lambda e: e.user.display_name)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        instruments = instrument_choices().in_bulk(data["instruments"])
        experts = ExpertProfile.objects.in_bulk(data["experts"])
        return {
            "institution": institution_choices().get(pk=data["institution"]),
            "note": data["note"],
            "instruments": [instruments[i] for i in data["instruments"]],
            "experts": [experts[e] for e in data["experts"]],
        }


def _grouped(objects, name) -> list:
    """Choices in one group per institution, in the order given (by institution)."""
    groups: dict[str, list] = {}
    for obj in objects:
        groups.setdefault(obj.institution.localized_name, []).append((obj.id, name(obj)))
    return list(groups.items())


class LinkBookingForm(forms.Form):
    """One radio button a booking (consultations.selectors.linkable_bookings: the sensible few, newest first),
    each named by instrument, time in Tokyo and status."""

    booking = forms.TypedChoiceField(
        label=_("Booking requested because of this consultation"),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        help_text=_("Your bookings requested since the consultation was asked and not yet linked, newest first."),
    )

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].choices = [(b.id, booking_label(b)) for b in bookings]


def booking_label(booking) -> str:
    """「走査電子顕微鏡 JSM-IT800 — 2026年12月5日 10:00–11:00（承認待ち）」, in Tokyo time."""
    return _("%(instrument)s — %(start)s–%(end)s (%(status)s)") % {
        "instrument": booking.instrument.localized_name,
        "start": long_datetime(booking.start),
        "end": span_end(booking.start, booking.end),
        "status": booking.get_status_display(),
    }


# --- Filters -------------------------------------------------------------------------------------------------------
class ListFilter(forms.Form):
    """The list's filters; a bad value is ignored with a message, never a 500."""

    status = forms.ChoiceField(required=False, choices=[("", "")] + list(Consultation.Status.choices))
    confidential = forms.ChoiceField(required=False, choices=[("", ""), ("yes", "yes"), ("no", "no")])
    unreferred = forms.BooleanField(required=False)
    q = forms.CharField(required=False, max_length=200)

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        confidential = {"yes": True, "no": False}.get(data.get("confidential", ""))
        return {
            "statuses": [data["status"]] if data.get("status") else [],
            "confidential": confidential,
            "unreferred": data.get("unreferred", False),
            "q": data.get("q", ""),
        }


class ExpertFilter(forms.Form):
    """The directory's filters; the page offers the institutions with listed experts, any other is allowed."""

    q = forms.CharField(required=False, max_length=200)
    institution = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)


# --- One's own directory entry -------------------------------------------------------------------------------------
class ExpertProfileForm(forms.Form):
    institution = forms.TypedChoiceField(label=label(ExpertProfile, "institution"), coerce=int, empty_value=None)
    listed = forms.BooleanField(
        label=label(ExpertProfile, "listed"),
        required=False,
        help_text=_(
            "Listed, your name appears in the directory for logged-in users and in consultations' suggestions."
        ),
    )
    keywords = forms.CharField(
        label=label(ExpertProfile, "keywords"),
        max_length=1000,
        required=False,
        help_text=_("Separated by spaces or commas, e.g. fracture surface, surface observation, EDS"),
    )
    bio = forms.CharField(
        label=label(ExpertProfile, "bio"), required=False, widget=forms.Textarea(attrs={"rows": 4}), **TEXT
    )
    instruments = IdsField(label=label(ExpertProfile, "instruments"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, institutions, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.institutions = list(institutions)
        if len(self.institutions) > 1:
            self.fields["institution"].choices = [("", "")] + [(i.id, i.localized_name) for i in institutions]
            self.fields["instruments"].choices = _grouped(instruments, lambda i: i.localized_name)
        else:
            del self.fields["institution"]
            self.fields["instruments"].choices = [(i.id, i.localized_name) for i in instruments]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        instruments = instrument_choices().in_bulk(data["instruments"])
        kwargs = {
            "listed": data["listed"],
            "keywords": data["keywords"],
            "bio": data["bio"],
            "instruments": [instruments[i] for i in data["instruments"]],
        }
        if data.get("institution"):
            kwargs["institution"] = institution_choices().get(pk=data["institution"])
        elif len(self.institutions) == 1:  # staff of one institution: theirs (also after moving to another)
            kwargs["institution"] = self.institutions[0]
        return kwargs
