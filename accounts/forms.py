"""The front door's forms: allauth's sign-up with the person's name, its reading, their language and the terms they
accept; the form that accepts a new version of the terms."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consortia import services as consortia_services
from consortia.models import User

NAME_FIELDS = ("last_name", "first_name", "last_name_kana", "first_name_kana")


class LanguageSelect(forms.Select):
    """Each language in its own name, marked as such (as the header's switch does), whatever the page's language."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value
        return option


def terms_fields(form: forms.Form) -> None:
    """The two required boxes: the terms of use and the privacy notice, each linked to its page."""
    form.fields["accept_terms"] = forms.BooleanField(
        required=True,
        label_suffix="",
        label=format_html(_('I accept the <a href="{}" target="_blank">terms of use</a>.'), reverse("terms")),
        error_messages={"required": _("Accept the terms of use to go on.")},
    )
    form.fields["accept_privacy"] = forms.BooleanField(
        required=True,
        label_suffix="",
        label=format_html(
            _('I accept the <a href="{}" target="_blank">handling of personal information</a>.'), reverse("privacy")
        ),
        error_messages={"required": _("Accept the handling of personal information to go on.")},
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (e-mail, password twice; the username is generated), with the person's name family-first,
    its reading in katakana (hiragana and half-width katakana are turned into it, as User.clean does), the language
    of their pages and e-mails, and the acceptance of the current terms."""

    last_name = forms.CharField(label=gettext_lazy("Family name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("Given name"), max_length=150)
    last_name_kana = forms.CharField(
        label=gettext_lazy("Family name reading"), max_length=150, help_text=gettext_lazy("In katakana.")
    )
    first_name_kana = forms.CharField(
        label=gettext_lazy("Given name reading"), max_length=150, help_text=gettext_lazy("In katakana.")
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of pages and e-mails"),
        choices=User._meta.get_field("language").choices,
        widget=LanguageSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        terms_fields(self)
        self.order_fields(["email", "password1", "password2", *NAME_FIELDS, "language"])
        for name in ("email", "password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)  # the label says it; placeholders vanish

    def validate_unique_email(self, value) -> str:
        """An address that already has an account is not refused on the form (that would tell whoever typed it):
        the sign-up then answers as any other and e-mails the address's owner instead (allauth's
        `account_already_exists`). allauth does so itself only with mandatory verification; ours is optional."""
        from allauth.account.internal.flows.manage_email import assess_unique_email

        self.account_already_exists = assess_unique_email(value) is not True
        return get_adapter().validate_unique_email(value)

    def try_save(self, request):
        """For an address that already has an account: no second account; its owner is told by e-mail (with the
        way to reset a forgotten password) and the answer is the one a new account gets (accounts.views)."""
        if not self.account_already_exists:
            return super().try_save(request)
        get_adapter().send_account_already_exists_mail(self.cleaned_data["email"])
        return None, redirect("account_email_verification_sent")

    def clean(self):
        cleaned = super().clean()
        person = User(**{name: cleaned.get(name, "") for name in NAME_FIELDS})
        try:
            person.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in NAME_FIELDS])
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                if name in self.fields:
                    self.add_error(name, errors)
        person.clean()  # the readings in full-width katakana
        for name in NAME_FIELDS:
            if name not in self.errors:
                cleaned[name] = getattr(person, name)
        return cleaned

    def custom_signup(self, request, user) -> None:
        """The new account's name, language and its acceptance of the terms now in force."""
        consortia_services.update_profile(
            actor=user, language=self.cleaned_data["language"], **{n: self.cleaned_data[n] for n in NAME_FIELDS}
        )
        consortia_services.accept_terms(user=user)


class AcceptTermsForm(forms.Form):
    """A new version of the terms: accepted again before going on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        terms_fields(self)
