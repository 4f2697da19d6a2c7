"""The forms of the roles pages and of the invitation page."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consortia.models import Role, User

REASON_MAX = 500


class InviteForm(forms.Form):
    """An e-mail address and one of the roles the page offers: `offers` is [(value, label, kind, scope kwargs)],
    built from the table (consortia.grants), so a value the page did not offer is refused as an invalid choice."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {value: (kind, scope) for value, _label, kind, scope in offers}
        self.fields["role"].choices = [(value, label) for value, label, _kind, _scope in offers]

    def grant(self) -> tuple[str, dict]:
        """(kind, scope kwargs) of the chosen role."""
        return self.offers[self.cleaned_data["role"]]


class LanguageSelect(forms.Select):
    """Each language in its own name, marked as such (lang=…), as the site's language picker shows it."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value
        return option


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class NewAccountForm(forms.Form):
    """The account of an invited person who has none: their name, its reading, language and password, and the
    terms they accept. The address is the invitation's; nothing here names a role."""

    last_name = forms.CharField(label=_("Family name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    last_name_kana = forms.CharField(label=_("Family name reading (katakana)"), max_length=150, required=False)
    first_name_kana = forms.CharField(label=_("Given name reading (katakana)"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices, widget=LanguageSelect
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    accepts_terms = forms.BooleanField(label="", required=True)
    accepts_privacy = forms.BooleanField(label="", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepts_terms"].label = format_html(
            '{} (<a href="/terms/" target="_blank" rel="noopener">{}</a>)',
            _("I accept the terms of use"),
            _("read them"),
        )
        self.fields["accepts_privacy"].label = format_html(
            '{} (<a href="/privacy/" target="_blank" rel="noopener">{}</a>)',
            _("I agree to the privacy notice"),
            _("read it"),
        )
        for name in ("accepts_terms", "accepts_privacy"):
            self.fields[name].label_suffix = ""

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data

    def account_fields(self) -> dict:
        return {
            f: self.cleaned_data[f]
            for f in ("last_name", "first_name", "last_name_kana", "first_name_kana", "language")
        }


def role_label(kind: str) -> str:
    return str(Role.Kind(kind).label)
