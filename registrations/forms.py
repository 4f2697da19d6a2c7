"""Forms of the registration pages: they parse input with the model's own limits; the rules stay in
registrations.services, whose refusals the pages show next to the field they name."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from consortia.selectors import active_memberships, consortium_list, institution_choices

from .models import REASON_MAX, REGISTRATION_INPUT, CompanyRegistration, RegistrationPolicy


class RegistrationForm(forms.ModelForm):
    """利用登録: the company, its billing contact and where it wants to use instruments."""

    class Meta:
        model = CompanyRegistration
        fields = REGISTRATION_INPUT
        widgets = {
            "corporate_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "size": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "billing_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "corporate_number": _("The 13-digit corporate number the National Tax Agency gave the company."),
            "size": _("Choose by the criteria of the Small and Medium-sized Enterprise Basic Act in the table."),
            "invoices_by_email": _("Otherwise invoices are sent by post to the address above."),
            "consortium": _("The consortium whose instruments you want to use."),
            "institution": _("Optional: the member institution you want to use first."),
            "note": _("Optional: what you want to measure or analyse, or anything the approvers should know."),
        }
        labels = {"name": capfirst(_("company name"))}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consortium"].queryset = consortium_list()
        self.fields["consortium"].empty_label = None
        members = active_memberships().values("institution_id")
        self.fields["institution"].queryset = institution_choices().filter(id__in=members).order_by("id")
        self.fields["size"].choices = [c for c in self.fields["size"].choices if c[0]]
        self.fields["invoices_by_email"].initial = True

    def validate_unique(self):
        """Clashes (a pending registration, a registered company) are the service's to say."""

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to refuse; the requester receives it by e-mail."),
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RegistrationPolicy
        fields = ["approver"]
        widgets = {"approver": forms.RadioSelect}
