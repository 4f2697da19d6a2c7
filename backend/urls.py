from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from equipment.views import catalogue

from .views import healthz

admin.site.site_header = "Kyoyo 共用機器 管理 (site administration)"
admin.site.site_title = "Kyoyo admin"

api_v1 = [
    path("", include("consortia.urls")),
    path("", include("equipment.urls")),
    path("", include("bookings.urls")),
    path("", include("consultations.urls")),
]

urlpatterns = [
    path("", catalogue, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.SERVE_MEDIA:
    # Embedded mode serves uploads itself; production puts them behind the web server.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
