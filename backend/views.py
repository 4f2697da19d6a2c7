from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.views import defaults
from django.views.i18n import set_language as django_set_language

from consortia import services as consortia_services


def healthz(request):
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """handler404: an address under /api/ that matches no route (an id that is not a number, a typo) answers JSON
    like every other API error; pages get the page."""
    if _is_api(request):
        return JsonResponse({"code": "not_found", "detail": "見つかりません。 (Not found.)"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """handler400, for what Django refuses before or beside the view (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, which
    DRF's JSON parsing reads through request.body; too many fields): JSON under /api/, the page elsewhere."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = {"code": "body_too_large", "detail": f"本文が大きすぎます(最大{limit}バイト)。 (The body is too large.)"}
    else:
        body = {"code": "bad_request", "detail": "不正な要求です。 (Bad request.)"}
    return JsonResponse(body, status=400)


def server_error(request):
    """handler500: JSON under /api/, the page elsewhere."""
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "detail": "サーバーでエラーが起きました。 (Server error.)"}, status=500
        )
    return defaults.server_error(request)


def _remember_language(response, language: str):
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax")
    return response


class LoginView(auth_views.LoginView):
    """Django's login, which then shows the pages in the language the user chose before."""

    def form_valid(self, form):
        response = super().form_valid(form)
        return _remember_language(response, form.get_user().language or settings.LANGUAGE_CODE)


def set_language(request):
    """The language switch: Django's cookie, and for a logged-in user also their profile, so that
    e-mails follow the same choice."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        consortia_services.update_profile(actor=request.user, language=language)
    return response
