"""Which language a request is answered in: the logged-in user's setting, otherwise what Django's LocaleMiddleware
chose (the language switch's cookie, then the browser's Accept-Language), Japanese by default.

Pages get the user through the session (`UserLanguageMiddleware`, after AuthenticationMiddleware); the API may
authenticate by token inside the view, so `ApiTokenAuthentication` calls `use_language_of` once it knows the user.
"""

from django.conf import settings
from django.utils import translation


def language_of(user) -> str:
    """A user's chosen language among settings.LANGUAGES, or the default."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def use_language_of(request, user) -> None:
    if user is not None and user.is_authenticated:
        language = language_of(user)
        translation.activate(language)
        getattr(request, "_request", request).LANGUAGE_CODE = language


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_language_of(request, request.user)
        return self.get_response(request)
