"""The forms of the account page (accounts.account_views): each section its own form and POST."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from consortia.models import ApiToken, User


class LanguageSelect(forms.Select):
    """Each language in its own name, marked as such (<option lang="ja">日本語), as the header's picker shows them."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value
        return option


PROFILE_FORM_FIELDS = ["last_name", "first_name", "last_name_kana", "first_name_kana", "language"]


class ProfileForm(forms.Form):
    """Name, its reading and language: the model's own fields and checks (consortia.services.update_profile runs
    User.full_clean, which also turns hiragana and half-width katakana readings into katakana)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(User, fields=PROFILE_FORM_FIELDS))
        self.fields["last_name"].label = _("Family name")
        self.fields["first_name"].label = _("Given name")
        self.fields["last_name_kana"].label = _("Family name reading (katakana)")
        self.fields["first_name_kana"].label = _("Given name reading (katakana)")
        self.fields["last_name_kana"].help_text = _("Hiragana is fine too; it is stored as katakana.")
        self.fields["language"].label = _("Language of pages and e-mails")
        self.fields["language"].widget = LanguageSelect(choices=self.fields["language"].choices)
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"


class EmailChoicesForm(forms.Form):
    receives_digests = forms.BooleanField(
        label=_("Morning digest of requests waiting for a decision (institution staff)"), required=False
    )
    receives_reminders = forms.BooleanField(label=_("Reminder the day before a booking"), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=ApiToken._meta.get_field("name").max_length,
        required=False,
        help_text=_("To tell it apart, e.g. the program that uses it."),
    )


class DeactivateForm(forms.Form):
    username = forms.CharField(label=_("Your username"), required=False, max_length=150)
    password = forms.CharField(
        label=_("or your password"), required=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
