"""The pages' one refusal policy (backend.web.refuse_on_page, docs/security.md): a refused permission is a 403
page saying why; every other refusal goes on the form, next to its field, for a 400 page."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied as Forbidden

from backend import errors
from backend.web import refuse_on_page


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)


def test_a_refused_permission_is_a_403_with_the_services_message():
    form = ReasonForm({"reason": ""})
    form.is_valid()
    with pytest.raises(Forbidden, match="Only the requester may do this"):
        refuse_on_page(form, errors.PermissionDenied("not_requester", "申請者のみ (Only the requester may do this.)"))
    assert not form.errors


@pytest.mark.parametrize(
    "error",
    [
        errors.DomainError("reason_required", "理由を入力してください。", field="reason"),
        errors.Conflict("invalid_transition", "この操作はできません。"),
        errors.NotFound("not_found", "見つかりません。"),
    ],
)
def test_any_other_refusal_goes_on_the_form(error):
    form = ReasonForm({"reason": ""})
    form.is_valid()
    refuse_on_page(form, error)
    where = "reason" if error.field else "__all__"
    assert form.errors[where] == [error.message]
