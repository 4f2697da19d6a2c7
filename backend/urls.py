from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import favicon, healthz, serve_upload, set_language

handler400 = "backend.views.bad_request"
handler404 = "backend.views.not_found"
handler500 = "backend.views.server_error"

admin.site.site_header = _("Kyoyo site administration")
admin.site.site_title = _("Kyoyo administration")

# The API under /api/v1/: each app's api_urls.py.
api_v1 = [
    path("", include("consortia.api_urls")),
    path("", include("registrations.api_urls")),
    path("", include("equipment.api_urls")),
    path("", include("bookings.api_urls")),
    path("", include("staffing.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("contributions.api_urls")),
    path("", include("consultations.api_urls")),
    path("", include("invoices.api_urls")),
    path("", include("usage_reports.api_urls")),
    path("", include("accounts.api_urls")),
]

# The web pages: each app's urls.py (Django's convention), then accounts, admin, the API and its docs.
urlpatterns = [
    path("", include("home.urls")),
    path("", include("bookings.urls")),
    path("", include("equipment.urls")),
    path("", include("reports.urls")),
    path("", include("contributions.urls")),
    path("", include("consultations.urls")),
    path("", include("invoices.urls")),
    path("", include("usage_reports.urls")),
    path("", include("registrations.urls")),
    path("", include("people.urls")),
    path("", include("staffing.urls")),
    path("", include("sso.urls")),
    path("", include("accounts.urls")),
    # django-allauth: log in and out, sign up, e-mail verification and management, password reset and change,
    # two-factor authentication, re-authentication (accounts/ holds the product's side: adapter, forms, pages)
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is a second request (?script), not inline: see backend/headers.py
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
        name="swagger-ui",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
]

if settings.BENCH_NOOP:
    # The benchmark's floor (devtools/bench/views.py): out of the URL map unless the setting turns it on.
    urlpatterns.append(path("api/v1/bench/", include("devtools.bench.urls")))

if settings.SERVE_MEDIA:
    # Manuals and photos, with the headers that keep them inert (README, "Uploaded files").
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_upload, name="upload"))
