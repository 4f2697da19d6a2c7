from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.views.i18n import set_language as django_set_language

from consortia import services as consortia_services

from .throttling import PasswordResetAddressThrottle, PasswordResetEmailThrottle, first_refusal


def healthz(request):
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _remember_language(response, language: str):
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax")
    return response


class LoginView(auth_views.LoginView):
    """Django's login, which then shows the pages in the language the user chose before."""

    def form_valid(self, form):
        response = super().form_valid(form)
        return _remember_language(response, form.get_user().language or settings.LANGUAGE_CODE)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address and per e-mail address typed, so that nobody can flood
    a mailbox or the mail server. The limit counts an address whether or not an account has it, so the answer
    never tells whether one exists: the same confirmation page, or the same refusal (429) on the form."""

    def post(self, request, *args, **kwargs):
        minutes = first_refusal(request, [PasswordResetAddressThrottle, PasswordResetEmailThrottle])
        if minutes is None:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        form.add_error(
            None,
            f"再設定の依頼が多すぎます。{minutes}分ほど後にもう一度お試しください。 "
            f"(Too many reset requests; try again in about {minutes} minutes.)",
        )
        return self.render_to_response(self.get_context_data(form=form), status=429)


def set_language(request):
    """The language switch: Django's cookie, and for a logged-in user also their profile, so that
    e-mails follow the same choice."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        consortia_services.update_profile(actor=request.user, language=language)
    return response
