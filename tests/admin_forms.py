"""Submitting a Django admin change form as a site operator does: every field as the page shows it, a few changed."""

from django.forms import MultiWidget
from django.urls import reverse


def _values(form, data: dict) -> None:
    """The form's fields as the browser would send them back unchanged."""
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value, key = form[name].value(), form.add_prefix(name)
        if isinstance(field.widget, MultiWidget):  # a split date and time
            for index, part in enumerate(field.widget.decompress(value) if value else []):
                data[f"{key}_{index}"] = "" if part is None else part
        elif value is not None and value is not False:  # an unticked box sends nothing
            data[key] = value


def change_in_admin(client, obj, **changes):
    """POST the object's admin change form with `changes` over what the page shows; returns the response."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200, url
    data: dict = {}
    _values(page.context["adminform"].form, data)
    for inline in page.context["inline_admin_formsets"]:
        _values(inline.formset.management_form, data)
        for form in inline.formset.initial_forms:
            _values(form, data)
    data.update(changes)
    return client.post(url, data)


def delete_in_admin(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    return client.post(url, {"post": "yes"})
