"""Kyoyo settings: one file, read from the environment, with safe embedded defaults.

Embedded (nothing set): SQLite under the project, Celery tasks in-process, e-mail to the console.
Production: set DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG=0, ALLOWED_HOSTS, MEDIA_ROOT and
the EMAIL_* variables. See README.md.

Long: one file of settings, section by section, is easier to audit than settings spread over modules.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


# Booleans and numbers from the environment are parsed strictly: a value that is neither stops start-up with a
# message naming the variable, rather than silently reading as false (DEBUG=flase) or failing in int() without
# saying which variable was wrong.
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no, on/off in any case; unset or empty is the default; anything else stops start-up."""
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number (unset or empty: the default) within [minimum, maximum]; anything else stops start-up."""
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more (it is {number}).")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be {maximum} or less (it is {number}).")
    return number


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "django-insecure-kyoyo-embedded-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # shared templates, static files and template tags of the pages; first, so that its registration/ templates
    # (log in, password reset) take the place of the admin's
    "backend",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here rather than a CDN
    "accounts",  # before allauth, so that its account/ and mfa/ templates take the place of allauth's
    # django-allauth: sign-up, e-mail verification, log in with rate limits, two-factor authentication and the
    # list of a user's sessions (accounts/ holds the product's side of it)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "consortia",
    "equipment",
    "bookings",
    "notifications",
    "reports",
    "consultations",
    "invoices",
    "usage_reports",
    "registrations",
    "staffing",
    "contributions",
    "sso",
    "people",
    "home",  # the home pages: read every app above, imported by none
]

# Development tools (devtools/: the demo data and the benchmark) are not part of the product and production does
# not install them. They are installed when KYOYO_DEVTOOLS is on, when manage.py runs one of their commands
# (so `make run` seeds the demo unchanged), and under pytest (PYTEST_VERSION), whose suite tests them.
DEVTOOLS_COMMANDS = {"seed_demo", "bench_seed", "bench"}
DEVTOOLS = (
    env_bool("KYOYO_DEVTOOLS", False)
    or (len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] in DEVTOOLS_COMMANDS)
    or "PYTEST_VERSION" in os.environ
)
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "backend.headers.SecurityHeadersMiddleware",  # first, so that every response gets the headers, WhiteNoise's too
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "backend.language.UserLanguageMiddleware",  # a logged-in user's own language setting wins over the cookie
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "backend.kept_input.KeepInputAtLoginMiddleware",
    "accounts.middleware.FrontDoorMiddleware",  # terms of a newer version, then two-factor set-up, before acting  # a form sent after the session expired: kept across the login
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.outages.OutageMiddleware",  # last, so it sees a view's exception first: a lost database is a 503
]

if not DEBUG:  # runserver serves static files itself in DEBUG; WhiteNoise does in production
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.context.navigation",
                "home.context.waiting",  # the header's badges
                "backend.kept_input.context",
                "accounts.context.front_door",  # the banner of an unverified address
            ],
        },
    },
]

# --- Database: DATABASE_URL, default an SQLite file under the project -------------------------
# A persistent connection can die while it waits for the next request (the server restarted, a proxy or an
# operator closed it): with health checks a worker tries a reused connection once per request before its first
# query and reconnects, instead of failing that request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Serialise writers: every transaction takes the write lock when it begins, so a check done
    # inside a service transaction cannot race another writer (see bookings.services).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers go on while one writes; with WAL, synchronous=NORMAL syncs at checkpoints instead of at
    # every commit: the file is never corrupted, a power cut may lose the last commits (SQLite's own advice).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(BASE_DIR / ".test-db.sqlite3")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "consortia.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache: shared by every process, since rate limits count in it ----------------------------
# CACHE_URL=redis://host:6379/1 uses Redis; unset, the cache is a table of the database (created by the migration
# backend/0001), shared by every web process that uses the same database, on one machine or many.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address (or unset).")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kyoyo_cache",
            # Culling deletes live entries too: keep it far above what the throttles hold in their windows.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# --- Client addresses: how many reverse proxies in front of the app append to X-Forwarded-For -------------------
# 0: the connection's address (REMOTE_ADDR) is the client and X-Forwarded-For is ignored (anyone can send it);
# N: the Nth entry from the right of X-Forwarded-For is (backend.addresses.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- API tokens: a key expires this many days after it is issued (POST /api/v1/auth/token/) ---------------------
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30, minimum=1)

# --- Language and time: Japanese first, Asia/Tokyo -------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
# Each app keeps its own catalogues in <app>/locale/<language>/LC_MESSAGES/django.po (see docs/translation.md).
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Upload limits (bytes / pixels); checked on the content by equipment.uploads.
MANUAL_MAX_BYTES = env_int("MANUAL_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000, minimum=1)
# A manual's pages, and what its streams may inflate to, each and all together (decompression bombs).
MANUAL_MAX_PAGES = env_int("MANUAL_MAX_PAGES", 3000, minimum=1)
MANUAL_MAX_STREAM_BYTES = env_int("MANUAL_MAX_STREAM_BYTES", 64 * 1024 * 1024, minimum=1)
MANUAL_MAX_INFLATED_BYTES = env_int("MANUAL_MAX_INFLATED_BYTES", 512 * 1024 * 1024, minimum=1)
PHOTO_THUMBNAIL_SIZE = (480, 360)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connection may block: a send must end well within the outbox's STALE_AFTER (15 minutes), after
# which a row still `sending` is taken for abandoned and queued again (notifications.services).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kyoyo <noreply@kyoyo.example.jp>")
# Absolute address of the site, for links in e-mails and calendar events.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Celery: no broker configured means tasks run in-process ---------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A web request must not hang on a dead broker: give up publishing quickly, the outbox keeps the work.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5}
# Without a broker there is no beat either: each web process runs CELERY_BEAT_SCHEDULE itself, in a thread
# (backend.schedule). KYOYO_SCHEDULE=0 turns that off, e.g. for a server that is only measured.
EMBEDDED_SCHEDULE = env_bool("KYOYO_SCHEDULE", True) and not CELERY_BROKER_URL

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.authentication.ApiTokenAuthentication",  # `Token <key>`, against consortia.ApiToken
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's three, with the JSON parser that refuses over-deep nesting and non-finite numbers (backend.parsers)
    "DEFAULT_PARSER_CLASSES": [
        "backend.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "backend.api.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "backend.renderers.BrowsableAPIRenderer"],
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "backend.schema.AutoSchema",  # drf-spectacular's, with the error answers
    "EXCEPTION_HANDLER": "backend.api.exception_handler",
    # Token endpoint: per client address and per username; password reset page: per address and per e-mail
    # (backend.throttling, counted in the shared cache).
    "DEFAULT_THROTTLE_RATES": {
        "token": "20/min",
        "token_username": "30/hour",
        "password_reset": "10/hour",
        "password_reset_email": "3/hour",
        "invitation_accept": "20/hour",  # people: the accept POST of an invitation's page, per client address
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # DRF's own get_ident agrees with backend.addresses
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kyoyo API",
    "DESCRIPTION": (
        "Shared research-instrument booking for regional consortia.\n\n"
        "**Language.** Every refusal is a JSON object with a stable machine `code` (for programs: it never changes "
        "with the language), a `detail` for people and, where one input is at fault, its `field`. The `detail`, "
        "form messages and the labels of choices are in one language: the user's own setting (`language` of "
        "`/api/v1/me/`) when a token or session names a user, otherwise the request's `Accept-Language` "
        "(`ja` or `en`), Japanese by default. Programs should branch on `code`, never on `detail`. Names of "
        "consortia, institutions and instruments are given as stored (`name`, and `name_en` where there is one)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # validatorUrl: no badge fetched from swagger.io (the Content-Security-Policy allows no other site)
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UsageModeEnum": "equipment.models.UsageMode",
        "InstitutionKindEnum": "consortia.models.Institution.Kind",
        "DowntimeKindEnum": "equipment.models.Downtime.Kind",
        "AbsenceKindEnum": "staffing.models.Absence.Kind",
        "InstrumentStatusEnum": "equipment.models.Instrument.Status",
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "UsageReportOutcomeEnum": "usage_reports.models.Outcome",
    },
}

# --- Security: strict when DEBUG is off ------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# The version of the terms of use (利用規約) and privacy notice (個人情報の取扱い) in force: sign-up accepts it,
# and a new version asks everyone to accept again (accounts/).
TERMS_VERSION = "2026-12-01"

# --- 学認 (GakuNin) single sign-on: a SAML 2.0 service provider, off unless KYOYO_SAML_ENABLED ------------------
# The sso app builds pysaml2's configuration from these (sso.conf) and refuses, as a system check, an enabled but
# incomplete one (sso.checks); docs/accounts-sso.md says how to register with the federation. Off, nothing of it
# is loaded: its pages answer 404 and xmlsec1 is not needed.
_SAML_BASE_URL = os.environ.get("KYOYO_SAML_BASE_URL", "").strip().rstrip("/")
KYOYO_SAML = {
    "enabled": env_bool("KYOYO_SAML_ENABLED", False),
    "base_url": _SAML_BASE_URL,  # https://kyoyo.example.jp: the SP's endpoints are under it
    "entity_id": os.environ.get("KYOYO_SAML_ENTITY_ID", "").strip()
    or (f"{_SAML_BASE_URL}/saml2/metadata/" if _SAML_BASE_URL else ""),
    "sp_key_file": os.environ.get("KYOYO_SAML_SP_KEY_FILE", "").strip(),
    "sp_cert_file": os.environ.get("KYOYO_SAML_SP_CERT_FILE", "").strip(),
    "idp_metadata_file": os.environ.get("KYOYO_SAML_IDP_METADATA_FILE", "").strip(),
    "idp_metadata_url": os.environ.get("KYOYO_SAML_IDP_METADATA_URL", "").strip(),
    "metadata_cert": os.environ.get("KYOYO_SAML_METADATA_CERT", "").strip(),  # checks the metadata's signature
    "discovery_url": os.environ.get("KYOYO_SAML_DISCOVERY_URL", "").strip(),  # GakuNin's DS (embedded WAYF)
    "xmlsec_binary": os.environ.get("KYOYO_SAML_XMLSEC_BINARY", "").strip(),  # default: xmlsec1 on the PATH
    "contact_email": os.environ.get("KYOYO_SAML_CONTACT_EMAIL", "").strip(),
    "metadata_refresh": env_int("KYOYO_SAML_METADATA_REFRESH", 3600, minimum=60),  # seconds
    "accepted_time_diff": env_int("KYOYO_SAML_ACCEPTED_TIME_DIFF", 60, minimum=0, maximum=300),  # seconds of skew
}
SAML_ENABLED = KYOYO_SAML["enabled"]
if SAML_ENABLED:
    INSTALLED_APPS.append("djangosaml2")
    AUTHENTICATION_BACKENDS.append("sso.backends.SsoBackend")
# djangosaml2's own settings, read only when its views run: the configuration from sso.conf, requests to the IdP by
# HTTP-Redirect (no auto-submitting form, which the Content-Security-Policy would block), no django-csp.
SAML_CONFIG_LOADER = "sso.conf.config_loader"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML2_DISCO_URL = KYOYO_SAML["discovery_url"] or None
SAML_CSP_HANDLER = ""
SAML_SESSION_COOKIE_NAME = "saml_session"

LOGIN_URL = "/accounts/login/"

# --- The front door: django-allauth (accounts/ holds the product's side; docs/accounts.md) ------------------
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}  # demo users log in by name, people who signed up by e-mail
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]  # the username is generated, never asked
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}  # and names, their readings, language, the terms
ACCOUNT_UNIQUE_EMAIL = True
# "optional": accounts without an EmailAddress row (admin, demo, made before sign-up existed) keep logging in; a new
# sign-up's address stays unverified until its link is followed, and bookings wait for it (bookings.services).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True  # sign-up and password reset answer alike whether or not an account exists
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset for an address without an account sends nothing (no relay for spam)
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the subjects carry the product's own 【Kyoyo】 / [Kyoyo]
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Failed logins, web and API token alike (accounts.adapter counts one account under one key whatever was typed):
# LOGIN_LOCKOUT_FAILURES wrong passwords within LOGIN_LOCKOUT_MINUTES lock the account for that window, and one
# client address may fail LOGIN_ADDRESS_FAILURES times across all accounts. The other limits are allauth's.
LOGIN_LOCKOUT_FAILURES = env_int("KYOYO_LOGIN_LOCKOUT_FAILURES", 10, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("KYOYO_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_ADDRESS_FAILURES = env_int("KYOYO_LOGIN_ADDRESS_FAILURES", 30, minimum=1)
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{LOGIN_ADDRESS_FAILURES}/{LOGIN_LOCKOUT_MINUTES}m/ip,{LOGIN_LOCKOUT_FAILURES}/{LOGIN_LOCKOUT_MINUTES}m/key"
    ),
    # password reset is limited by backend.throttling (per address and per e-mail typed), as before allauth
    "reset_password": "",
    "reset_password_email": "",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kyoyo"
# Two-factor authentication is required of staff-side roles and superusers before they act (accounts.middleware).
# KYOYO_MFA_WAIVED=1 waives it for the demo (`make run` sets it); `manage.py check --deploy` warns while it is on.
MFA_WAIVED = env_bool("KYOYO_MFA_WAIVED", False)
CSRF_FAILURE_VIEW = "backend.kept_input.csrf_failure"  # a stale form's input is kept, not lost to a bare 403
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Django serves manuals and photos itself, with the headers that keep them inert (backend.views.serve_upload), in
# production too; turn off only behind a web server that sends the same headers (README, "Uploaded files").
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

# The benchmark's no-op endpoint (/api/v1/bench/noop/) exists only when this is on; `manage.py bench` turns it
# on for the server it starts. Never needed in production.
BENCH_NOOP = env_bool("KYOYO_BENCH_NOOP", False)

CELERY_BEAT_SCHEDULE = {
    "expire-overdue-bookings": {"task": "bookings.expire_overdue", "schedule": 300.0},
    "drain-notification-outbox": {"task": "notifications.drain_outbox", "schedule": 60.0},
    # the day-before reminder: hourly in office hours, so a booking approved late still gets one
    "send-booking-reminders": {"task": "bookings.send_reminders", "schedule": crontab(minute=5, hour="9-18")},
    "send-morning-digests": {"task": "bookings.send_digests", "schedule": crontab(minute=0, hour=8)},
    # Last month's utilization report for every consortium, e-mailed to its secretariat (reports.tasks).
    "monthly-utilization-reports": {"task": "reports.monthly", "schedule": crontab(minute=0, hour=6, day_of_month=1)},
    # coordinators: consultations not referred within 2 business days, each reminded once
    "remind-unreferred-consultations": {
        "task": "consultations.remind_unreferred",
        "schedule": crontab(minute=20, hour="9-18"),
    },
    # companies: usage reports (利用報告書) due within a week, and overdue ones, each reminder once
    "remind-usage-reports": {"task": "usage_reports.remind", "schedule": crontab(minute=30, hour=9)},
}
