"""TCX settings, read from the environment.

Zero configuration runs on SQLite under ``TCX_DATA_DIR``; ``TCX_DATABASE_URL`` switches to
PostgreSQL. ``TCX_PRODUCTION=1`` turns on the production checks and refuses to start without
``TCX_SECRET_KEY``. ``TCX_DEMO=1`` (set by ``tcx demo``) lets accounts log in without MFA.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("TCX_DATA_DIR") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = _flag("TCX_PRODUCTION")
DEMO_MODE = _flag("TCX_DEMO") and not PRODUCTION
DEBUG = _flag("TCX_DEBUG") and not PRODUCTION

SECRET_KEY = os.environ.get("TCX_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "TCX_PRODUCTION is set but TCX_SECRET_KEY is empty: set a long random secret key "
            '(for example: python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    # Development and demo: a key kept in the data directory, so sessions survive restarts.
    key_file = DATA_DIR / "secret.key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("TCX_ALLOWED_HOSTS", "").split(",") if h.strip()]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TCX_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "tcx.organisations",
    "tcx.accounts",
    "tcx.policy",
    "tcx.audit",
    "tcx.api",
    "tcx.records",
    "tcx.exchange",
    "tcx.roadmap",
    "tcx.notifications",
    "tcx.jobs",
    "tcx.web",
]

MIDDLEWARE = [
    "tcx.web.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tcx.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tcx.api.middleware.ApiRequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in person unless its view opts out (tcx.kernel.routes.public);
    # the API authenticates each operation itself and answers 401, never a redirect.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tcx.accounts.middleware.SessionIdleTimeoutMiddleware",
    "tcx.accounts.middleware.RequireVerifiedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "tcx.jobs.middleware.RunOwnJobsAfterResponse",
    # A tcx.policy NotFound from any page answers the 404 page (innermost: it sees the view's exception).
    "tcx.kernel.routes.NotFoundMiddleware",
]

ROOT_URLCONF = "tcx.config.urls"
WSGI_APPLICATION = "tcx.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tcx.web.context_processors.tcx",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("TCX_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})
        # the same backend, whose health check of a reused connection needs no round trip
        DATABASES["default"]["ENGINE"] = "tcx.config.postgresql"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "tcx.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE: every write transaction takes the write lock at BEGIN, so two
                # writers never both read the audit chain head and race to extend it.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                # cache_size: 64 MiB of pages per connection (the default 2 MiB is far smaller
                # than the match index, whose postings are written and read in key order);
                # mmap_size: reads served from the OS page cache without copies.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
                    "PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=16384;"
                ),
            },
            "TEST": {"NAME": os.environ.get("TCX_TEST_SQLITE_NAME") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# MFA: every account needs a confirmed TOTP device outside demo mode.
TCX_REQUIRE_MFA = not DEMO_MODE
OTP_TOTP_ISSUER = "TCX"

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = _int("TCX_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = _int("TCX_LOCKOUT_MINUTES", 15) / 60  # hours
# Lock the account for the address it is attacked from, not the account everywhere: keyed on the
# username alone, anyone could lock any officer out by typing wrong passwords for them. Spraying
# one address across many usernames is throttled separately (TCX_LOGIN_ADDRESS_LIMIT below), with
# a limit high enough for an office behind one shared NAT address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tcx.accounts.failures.axes_client_ip"
# Reverse proxies in front of the node whose X-Forwarded-For is trusted (0: none, the client
# connects directly). The client address keys lockout, sign-in throttling and the audit log.
TCX_TRUSTED_PROXY_COUNT = _int("TCX_TRUSTED_PROXY_COUNT", 0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tcx.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Failed authentications (passwords, API tokens, enrolment codes) are counted per client address
# and per account in windows of this many minutes (tcx.accounts.failures). The audit log gets one
# event when a count reaches the first threshold, then at ten and a hundred times it ...
TCX_AUTH_FAILURE_WINDOW_MINUTES = _int("TCX_AUTH_FAILURE_WINDOW_MINUTES", 15)
TCX_AUTH_FAILURE_AUDIT_ADDRESS = _int("TCX_AUTH_FAILURE_AUDIT_ADDRESS", 10)
TCX_AUTH_FAILURE_AUDIT_ACCOUNT = _int("TCX_AUTH_FAILURE_AUDIT_ACCOUNT", 1)
# Failed sign-ins from one address (over all usernames) in about two windows before sign-in from
# that address is refused for a while: password spraying.
TCX_LOGIN_ADDRESS_LIMIT = _int("TCX_LOGIN_ADDRESS_LIMIT", 30)

# MFA enrolment needs a one-time code issued by the agency admin (not trust on first use).
TCX_MFA_ENROLMENT_CODE_HOURS = _int("TCX_MFA_ENROLMENT_CODE_HOURS", 72)
TCX_ENROLMENT_CODE_ATTEMPTS = _int("TCX_ENROLMENT_CODE_ATTEMPTS", 10)

# Sessions: absolute lifetime, idle timeout, and cookies closed to scripts.
SESSION_COOKIE_AGE = _int("TCX_SESSION_HOURS", 10) * 3600
TCX_SESSION_IDLE_SECONDS = _int("TCX_SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# API tokens: default and maximum lifetime in days.
TCX_TOKEN_DEFAULT_DAYS = _int("TCX_TOKEN_DEFAULT_DAYS", 90)
TCX_TOKEN_MAX_DAYS = _int("TCX_TOKEN_MAX_DAYS", 365)

# Request bodies: API bodies past this many bytes are refused with 413.
TCX_MAX_BODY_BYTES = _int("TCX_MAX_BODY_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = TCX_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = os.environ.get("TCX_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("TCX_EMAIL_HOST", "localhost")
EMAIL_PORT = _int("TCX_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("TCX_EMAIL_FROM", "tcx@localhost")
# notifications (tcx/notifications): the node's address for links in e-mails, and the e-mail
# preference of people who never chose one (immediate, digest or none)
TCX_PUBLIC_URL = os.environ.get("TCX_PUBLIC_URL", "")
TCX_NOTIFICATION_EMAIL_DEFAULT = os.environ.get("TCX_NOTIFICATION_EMAIL_DEFAULT", "digest")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("TCX_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("TCX_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TCX_LOG_LEVEL", "WARNING")},
}

# Background jobs (tcx/jobs): "inline" (the embedded default) has the code that queued a job run
# that job and no other, after its commit or its response; "worker" leaves every job to
# `tcx worker` processes (production).
TCX_JOBS = os.environ.get("TCX_JOBS") or ("worker" if PRODUCTION else "inline")
if TCX_JOBS not in ("inline", "worker"):
    raise ImproperlyConfigured(f"TCX_JOBS must be 'inline' or 'worker', got {TCX_JOBS!r}")
# One lease for every kind of job, in seconds, instead of each kind's own (minutes): for tests
# and drills that kill workers and watch their jobs resume; unset in normal running.
TCX_JOBS_LEASE_SECONDS = os.environ.get("TCX_JOBS_LEASE_SECONDS") or None

# Imports: what reading one file may cost and what one record may hold (README, "Import limits").
TCX_IMPORT_MAX_BYTES = _int("TCX_IMPORT_MAX_BYTES", 512 * 1024 * 1024)
TCX_IMPORT_MAX_ROWS = _int("TCX_IMPORT_MAX_ROWS", 100_000)
TCX_IMPORT_MAX_COLUMNS = _int("TCX_IMPORT_MAX_COLUMNS", 500)
TCX_IMPORT_MAX_CELL_CHARS = _int("TCX_IMPORT_MAX_CELL_CHARS", 65_536)
TCX_IMPORT_MAX_LINE_CHARS = _int("TCX_IMPORT_MAX_LINE_CHARS", 1024 * 1024)
TCX_IMPORT_MAX_DEPTH = _int("TCX_IMPORT_MAX_DEPTH", 16)
TCX_IMPORT_MAX_EXPANDED_BYTES = _int("TCX_IMPORT_MAX_EXPANDED_BYTES", 256 * 1024 * 1024)
TCX_RECORD_MAX_NAME_CHARS = _int("TCX_RECORD_MAX_NAME_CHARS", 500)
TCX_RECORD_MAX_VALUE_CHARS = _int("TCX_RECORD_MAX_VALUE_CHARS", 4_000)
TCX_RECORD_MAX_VALUES = _int("TCX_RECORD_MAX_VALUES", 500)
# On SQLite, a process writing transaction after transaction (an import, matching jobs) leaves
# the write lock to other writers after this many seconds of writing (tcx.jobs.pacing).
TCX_WRITE_HOLD_SECONDS = float(os.environ.get("TCX_WRITE_HOLD_SECONDS") or 2.0)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
