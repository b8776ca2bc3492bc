"""Settings for Qibu.

Everything a deployment changes comes from the environment, so that one settings module serves
development, tests and production:

- DATABASE_URL   sqlite:///path or postgres://user@host:port/name (default: SQLite in ./var/)
- QIBU_DEBUG     "1" for development pages and tracebacks (default off)
- SECRET_KEY     required when QIBU_DEBUG is off and not under tests
- ALLOWED_HOSTS  comma-separated (default "localhost,127.0.0.1")
- QIBU_SECURE    "1" behind HTTPS: secure cookies, HSTS, SSL redirect
- QIBU_SITE_URL  the address people open Qibu at, for links in mail (default http://localhost:$PORT)
- QIBU_PROXY_COUNT  reverse proxies in front of Qibu that append to X-Forwarded-For (default 0: the client is
                 REMOTE_ADDR); the sign-in throttle counts failures by the client's address
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QIBU_VAR_DIR", BASE_DIR / "var"))


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or os.environ.get("QIBU_TESTING") == "1"
DEBUG = _flag("QIBU_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        # A stable per-installation key, kept beside the SQLite database, so `make run` works
        # without configuration while production can still set SECRET_KEY explicitly.
        key_file = VAR_DIR / "secret_key"
        if key_file.exists():
            SECRET_KEY = key_file.read_text().strip()
        else:
            import secrets

            VAR_DIR.mkdir(parents=True, exist_ok=True)
            SECRET_KEY = secrets.token_urlsafe(50)
            key_file.write_text(SECRET_KEY)
            key_file.chmod(0o600)
    else:
        SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "ninja",
    "axes",
    "qibu.core",
    "qibu.jobs",
    "qibu.notify",
    "qibu.audit",
    "qibu.org",
    "qibu.cycles",
    "qibu.okrs",
    "qibu.discuss",
    "qibu.rhythm",
    "qibu.plans",
    "qibu.planning",
    "qibu.search",
    "qibu.reports",
    "qibu.publish",
    "qibu.projects",
    "qibu.blockers",
    "qibu.standups",
    "qibu.meetings",
    "qibu.oneonones",
    "qibu.assess",
    "qibu.reflect",
    "qibu.updates",
    "qibu.celebrate",
    "qibu.workshop",
    "qibu.quarter",
    "qibu.api",
    "qibu.demo",
    "qibu.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so that static files stay cacheable:
    # The Content-Security-Policy (below) on every page; no inline script or style is allowed.
    "csp.middleware.CSPMiddleware",
    # Cache-Control: private, no-store for signed-in people and the API.
    "qibu.core.cache.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qibu.org.middleware.PersonLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A bare 405 (require_POST, the API's routes) becomes the 405 page, or the API's JSON.
    "qibu.core.errors.MethodNotAllowedMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused by the throttle into the sign-in page saying why.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qibu.urls"
WSGI_APPLICATION = "qibu.wsgi.application"
AUTH_USER_MODEL = "org.Person"
# The throttle first: it refuses a locked account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "qibu.org.backends.PersonBackend"]
LOGIN_URL = "login"
# A form sent without a valid CSRF token: the 403 page in the product's layout, saying the form expired.
CSRF_FAILURE_VIEW = "qibu.core.errors.csrf_failure"
LOGIN_REDIRECT_URL = "okrs:my"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "qibu.org.context_processors.organisation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'qibu.sqlite3'}"
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# Persistent connections, checked before each request reuses one: after the database restarts, a dead connection
# is replaced instead of answering 500 once per pooled connection.
_db = dj_database_url.parse(
    DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the worker proceed while one writer commits; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock when two transactions both read then write.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    _db["CONN_MAX_AGE"] = 0 if TESTING else _db["CONN_MAX_AGE"]
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (qibu.jobs): how long a worker's claim holds without a heartbeat.
QIBU_JOB_LEASE_SECONDS = int(os.environ.get("QIBU_JOB_LEASE_SECONDS", "60"))
# The co-creation workshop's live stream: how long one lasts before the browser reconnects with Last-Event-ID.
WORKSHOP_STREAM_SECONDS = int(os.environ.get("WORKSHOP_STREAM_SECONDS", "50"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A forgotten-password link (qibu.notify.password_reset) works once, for a day.
PASSWORD_RESET_TIMEOUT = 24 * 3600
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The sign-in throttle (django-axes; the rules are in qibu/org/signin.py). Failures count for 15 minutes: 5 wrong
# passwords for one account lock that account, from anywhere; 20 failed sign-ins from one address (whatever the
# accounts) lock that address, for every account: offices share one address behind their router, so it takes more.
# The lock ends 15 minutes after the failure that set it (tries while locked do not extend it), or when an
# administrator unlocks it (Settings → Sign-in locks). A right password forgives that account's earlier failures.
AXES_HANDLER = "qibu.org.signin.SignInHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 5
QIBU_SIGN_IN_ADDRESS_LIMIT = 20
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "qibu.org.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qibu.org.signin.client_address"
QIBU_PROXY_COUNT = int(os.environ.get("QIBU_PROXY_COUNT", "0"))
# Successful sign-ins are not kept: Person.last_login says what the product needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_COOKIE_NAME = "qibu_language"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# No inline script, style or handler anywhere: behaviour is in static/js/qibu.js, looks in static/css/qibu.css.
# The mail outbox's preview frame sets a stricter policy of its own (qibu/notify/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if _flag("QIBU_SECURE"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Outgoing mail (qibu.notify). Without EMAIL_HOST nothing is sent: mail is kept in the outbox, where
# administrators read it as it would be sent (Settings → Mail).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qibu@localhost")
QIBU_MAIL_SENDS = bool(os.environ.get("EMAIL_HOST"))
# Where mail's links point (notifications, digests, the publication): the address people open Qibu at.
QIBU_SITE_URL = os.environ.get("QIBU_SITE_URL", f"http://localhost:{os.environ.get('PORT', '8000')}")
# How long a worker's claim on a batch of mail holds without renewal (it renews while sending).
QIBU_MAIL_LEASE_SECONDS = int(os.environ.get("QIBU_MAIL_LEASE_SECONDS", "300"))

# Refused requests (a bad Host, an oversized body, 403, 404) are one line on the console, without a traceback
# (qibu/core/logs.py); a server error (500) keeps its traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "qibu.core.logs.OneLineRefusals"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "refusals": {"class": "logging.StreamHandler", "filters": ["one_line_refusals"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["refusals"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["refusals"], "level": "WARNING", "propagate": False},
    },
}

# Shown in the UI beside method rules; the policy defaults live on the Organisation model.
QIBU_NAME = _("Qibu")
