"""Forms of the consultation pages: they parse input as the API serializers do (same limits); the rules stay in
consultations.services, whose refusals the pages show next to the field they name."""

from django import forms

from backend.plumbing import ID_MAX
from backend.web import TOKYO
from consortia.models import Company
from consortia.selectors import companies_with_ids, consortium_list, institution_choices
from equipment.selectors import instrument_choices

from . import services
from .models import Consultation, ExpertProfile, display_name

TEXT = {"max_length": services.TEXT_MAX}
SEVERAL = "Ctrl（Macは⌘）を押しながらクリックすると複数選べます。 (Hold Ctrl or ⌘ to pick several.)"


def label(model, name: str) -> str:
    """The model field's own label ("件名 (title)"): one wording for admin, API schema and pages."""
    return model._meta.get_field(name).verbose_name


class IdsField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)


# --- Asking --------------------------------------------------------------------------------------------------------
class ConsultationForm(forms.Form):
    title = forms.CharField(
        label=label(Consultation, "title"),
        max_length=services.TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": "例：樹脂の破断面を観察したい"}),
        help_text="ひとことで。 (In a few words.)",
    )
    description = forms.CharField(
        label=label(Consultation, "description"),
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": "例：樹脂の破断面を観察したい。射出成形した部品が割れたので、原因を調べたい。",
            }
        ),
        help_text=(
            "専門用語は要りません。何に困っているか、何を知りたいか、試料は何かをふだんの言葉で書いてください。"
            "送ると、合いそうな機関・機器・専門家をすぐに表示します。 "
            "(No jargon needed: say in everyday words what the problem is, what you want to know and what the sample "
            "is. Sending shows the institutions, instruments and experts that fit at once.)"
        ),
        **TEXT,
    )
    consortium = forms.TypedChoiceField(
        label="相談先の協議会 (consortium asked)",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="空欄なら所在地の協議会に届きます。 (Left empty: the consortium of your prefecture.)",
    )
    confidential = forms.BooleanField(
        label="非公開で相談する (confidential)",
        required=False,
        help_text=(
            "件名・内容はメールに載せず、相談の当事者（貴社・コーディネータ・紹介先の担当者）だけが読めます。 "
            "(Title and text never go into e-mails; only you, the coordinators and the referred staff read them.)"
        ),
    )
    company = forms.TypedChoiceField(label="相談する企業 (company)", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consortium"].choices = [("", "所在地の協議会（自動） (automatic)")] + [
            (c.id, c.name) for c in consortium_list()
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
    body = forms.CharField(label="メッセージ (message)", widget=forms.Textarea(attrs={"rows": 4}), **TEXT)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=label(Consultation, "outcome"), choices=[("", "")] + list(Consultation.Outcome.choices)
    )


class ReferForm(forms.Form):
    """A coordinator refers to an institution of any consortium; instruments and experts are grouped by
    institution (a small script hides the other institutions' groups; without it the service refuses a
    mismatch next to the field)."""

    institution = forms.TypedChoiceField(label="紹介先機関 (institution)", coerce=int, empty_value=None)
    note = forms.CharField(
        label="紹介メモ (note)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="紹介先と企業の両方が読みます。 (Read by the institution and by the company.)",
        **TEXT,
    )
    instruments = IdsField(
        label="紹介する機器（任意） (instruments, optional)",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=SEVERAL,
    )
    experts = IdsField(
        label="紹介する専門家（任意） (experts, optional)",
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=SEVERAL,
    )

    def __init__(self, *args, consultation: Consultation, institutions, instruments, experts, **kwargs):
        super().__init__(*args, **kwargs)
        here, elsewhere = [], []
        for institution in institutions:
            own = consultation.consortium_id in {m.consortium_id for m in institution.memberships_in_force}
            (here if own else elsewhere).append((institution.id, institution.name))
        self.fields["institution"].choices = [("", "")] + [
            (f"{consultation.consortium.name}", here),
            ("他の協議会（広域連携） (other consortia)", elsewhere),
        ]
        self.fields["instruments"].choices = _grouped(instruments, lambda i: i.name)
        self.fields["experts"].choices = _grouped(experts, lambda e: display_name(e.user))

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
        groups.setdefault(obj.institution.name, []).append((obj.id, name(obj)))
    return list(groups.items())


class LinkBookingForm(forms.Form):
    booking = forms.TypedChoiceField(label="この相談から申請した予約 (booking)", coerce=int, empty_value=None)

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].choices = [("", "")] + [
            (b.id, f"{b.instrument.name} — {b.start.astimezone(TOKYO):%Y-%m-%d %H:%M}") for b in bookings
        ]


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
        help_text=(
            "掲載すると、ログインした利用者の名簿と技術相談の候補にお名前が出ます。 "
            "(Listed: your name appears in the directory for logged-in users and in consultations' suggestions.)"
        ),
    )
    keywords = forms.CharField(
        label=label(ExpertProfile, "keywords"),
        max_length=1000,
        required=False,
        help_text="空白または読点で区切ります。例：破断面 表面観察 EDS (Separated by spaces or commas.)",
    )
    bio = forms.CharField(
        label=label(ExpertProfile, "bio"), required=False, widget=forms.Textarea(attrs={"rows": 4}), **TEXT
    )
    instruments = IdsField(label=label(ExpertProfile, "instruments"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, institutions, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.institutions = list(institutions)
        if len(self.institutions) > 1:
            self.fields["institution"].choices = [("", "")] + [(i.id, i.name) for i in institutions]
            self.fields["instruments"].choices = _grouped(instruments, lambda i: i.name)
        else:
            del self.fields["institution"]
            self.fields["instruments"].choices = [(i.id, i.name) for i in instruments]

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
