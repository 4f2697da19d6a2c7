"""The usage-report form: parses like the API serializer; the rules stay in the service."""

from django import forms

from .models import Outcome


class UsageReportForm(forms.Form):
    summary = forms.CharField(
        label="利用の概要と成果 (summary)",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="何を調べ、何が分かり、どう役立ったか (what you examined, what you found, how it helped)",
    )
    outcome = forms.ChoiceField(label="成果の区分 (outcome)", choices=Outcome.choices)
    publishable = forms.BooleanField(
        label="成果を公開してよい (the outcome may be published)",
        required=False,
        help_text="協議会の事例紹介などに掲載できます。 (The consortium may cite it, e.g. as a case study.)",
    )
    embargo_until = forms.DateField(
        label="公開制限日 (embargo until)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="この日より前は公開しません（特許出願前など）。 (Nothing is shown before this day, e.g. until a patent is filed.)",
    )
    publications = forms.CharField(
        label="発表・特許等 (publications)", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
