import posixpath
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousFileOperation
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseNotModified, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils._os import safe_join
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.i18n import set_language as django_set_language
from django.views.static import was_modified_since

from consortia import services as consortia_services

from .headers import USER_FILE_POLICY


def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for without reading the page's <link rel=icon>: the static
    icon (its hashed name in production), by a temporary redirect so that a new icon is picked up."""
    return HttpResponseRedirect(static("favicon.ico"))


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
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """handler400, for what Django refuses before or beside the view (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, which
    DRF's JSON parsing reads through request.body; too many fields): JSON under /api/, the page elsewhere."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = {
            "code": "body_too_large",
            "detail": _("The body is too large (at most %(limit)d bytes).") % {"limit": limit},
        }
    else:
        body = {"code": "bad_request", "detail": _("Bad request.")}
    return JsonResponse(body, status=400)


def server_error(request):
    """handler500: JSON under /api/, the page elsewhere."""
    if _is_api(request):
        return JsonResponse({"code": "server_error", "detail": _("Server error.")}, status=500)
    return defaults.server_error(request)


def set_language(request):
    """The language switch: Django's cookie, and for a logged-in user also their profile, so that
    e-mails follow the same choice."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        consortia_services.update_profile(actor=request.user, language=language)
    return response


# Uploads anyone may fetch by their address: instruments' manuals and photos. Reports' files (reports/) are private
# and reach only those who may read them, through the API; they are never served from here.
PUBLIC_UPLOADS = ("manuals", "photos")
# Served as what the services made them; (content type, shown in the browser). Anything else is bytes to download.
# PDFs are downloads: a sandboxed document cannot be shown by the browser's PDF viewer, and the reader the file
# opens in has been spared JavaScript and attachments by equipment.uploads.
UPLOAD_TYPES = {
    ".jpg": ("image/jpeg", True),
    ".png": ("image/png", True),
    ".webp": ("image/webp", True),
    ".pdf": ("application/pdf", False),
}


def serve_upload(request, path: str):
    """An uploaded file with headers that keep it inert whatever its bytes: its type from its extension (never
    sniffed), a download unless it is a photo, and a sandbox with nothing allowed should a browser render it."""
    path = posixpath.normpath(path).lstrip("/")
    if path.partition("/")[0] not in PUBLIC_UPLOADS:
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation:
        raise Http404 from None
    if not full_path.is_file():
        raise Http404
    modified = full_path.stat().st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        response = HttpResponseNotModified()
    else:
        content_type, inline = UPLOAD_TYPES.get(full_path.suffix.lower(), ("application/octet-stream", False))
        response = FileResponse(full_path.open("rb"), content_type=content_type)
        response["Last-Modified"] = http_date(modified)
        if not inline:
            # No filename: the browser takes the link's download="…" (the manual's title) or the address's name,
            # which the services made of hex digits and an extension.
            response["Content-Disposition"] = "attachment"
    response["Content-Security-Policy"] = USER_FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response
