import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db

OUR_APPS = (
    "consortia",
    "equipment",
    "bookings",
    "notifications",
    "reports",
    "consultations",
    "invoices",
    "usage_reports",
)


def test_every_model_has_an_admin_with_a_japanese_label():
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model
            label = str(model._meta.verbose_name)
            assert any("\u3040" <= ch <= "\u9fff" for ch in label), label


# The apps whose labels are one language each (the others still carry both until their own change lands).
ONE_LANGUAGE_APPS = ("consortia", "notifications")


@pytest.mark.parametrize("app", ONE_LANGUAGE_APPS)
def test_model_labels_are_in_the_pages_language_only(app):
    from django.utils import translation

    from tests.language import JAPANESE

    for model in apps.get_app_config(app).get_models():
        with translation.override("en"):
            english = [str(model._meta.verbose_name)] + [str(f.verbose_name) for f in model._meta.fields]
            english += [
                str(label) for f in model._meta.fields if f.choices and f.name != "language" for _v, label in f.choices
            ]
        with translation.override("ja"):
            japanese = str(model._meta.verbose_name)
        assert not [label for label in english if JAPANESE.search(label)], model
        assert JAPANESE.search(japanese) and "(" not in japanese, model


def test_the_admin_lists_render_for_a_site_operator(world, client):
    from tests.factories import UserFactory

    operator = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(operator)
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            url = f"/admin/{app}/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url
