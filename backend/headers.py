"""Security headers the browser enforces: what a page may load and run, and which device features any page may use.

Every script and stylesheet of the pages is a static file of this site (no inline <script>, no on…= handler, no
style= attribute; tests/test_security_headers.py keeps the templates so), which is why the policy needs neither
'unsafe-inline' nor nonces, and a small middleware does instead of django-csp. Uploaded files get a policy of
their own, set where they are served (backend.views.serve_upload), which this middleware leaves in place.
"""

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # data: for the small SVG icons inside Swagger UI's stylesheet
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# A user's file is shown sandboxed, with an opaque origin: no script, no plugin, no form, nothing loaded.
USER_FILE_POLICY = "sandbox; default-src 'none'"

# Features no page uses are switched off for every page and anything it embeds. The camera stays allowed for this
# site itself: check-in at the instrument will scan a QR code with the phone's camera.
PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "midi=()",
        "display-capture=()",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (pages, API, errors, static files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
