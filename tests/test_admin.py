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


def test_the_admin_lists_render_for_a_site_operator(world, client):
    from tests.factories import UserFactory

    operator = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(operator)
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            url = f"/admin/{app}/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url
