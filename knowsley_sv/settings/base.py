"""Settings shared by every environment, all read from the environment.

`DJANGO_DEBUG=1` is the local development switch. With it off (the default), the security settings below
are on, so `manage.py check --deploy` is silent once DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are set.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or os.environ.get("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or run locally with DJANGO_DEBUG=1).")
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1"))
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "knowsley_sv",  # first, so its templates (login, error pages) win
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "outcomes",
    "consultation",
    "procurement",
    "reporting",  # above the three domain apps: reads across them (STYLE.md)
    "django_tasks",
    "django_tasks_db",  # the queue's table; `manage.py db_worker` runs its tasks
    "axes",  # sign-in throttling; last, so its admin sits after ours
]

# The benchmarks' scale data set (bench/, `manage.py seed_scale`): development only, so the command does not
# exist in production.
if DEBUG:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "knowsley_sv.middleware.RefuseNulMiddleware",  # before anything reads the request (the session included)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "knowsley_sv.urls"
WSGI_APPLICATION = "knowsley_sv.wsgi.application"
ASGI_APPLICATION = "knowsley_sv.asgi.application"

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
                "knowsley_sv.context_processors.service",
            ],
            "builtins": ["knowsley_sv.templatetags.formatting"],  # |moment |day |money |quantity |percentage
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "knowsley_sv.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username or address
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Locally (DEBUG) WhiteNoise serves straight from the app folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
CACHES = {
    "default": {
        **(
            {
                "BACKEND": "knowsley_sv.redis_cache.RedisCache",
                "LOCATION": CACHE_URL,
            }  # Django's, one client a pool
            if CACHE_URL
            else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        ),
        # The shared cache keeps rendered pages (the results, the dashboard): naming the release in every key
        # means a new release never shows pages that an older one's templates made.
        "KEY_PREFIX": os.environ.get("DJANGO_RELEASE", ""),
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The shortest tendering period, in days from (re)publication to the deadline for bids, per procedure. The
# Procurement Act 2023 s.54(3)-(4) sets the minimum tendering periods; for an open procedure where tenders are
# submitted electronically and the documents are published with the tender notice it is 25 days. Every
# tender in this service is an open procedure (any registered supplier may bid).
MINIMUM_TENDER_PERIOD_DAYS = {"open": 25}

# --- Security: on unless DEBUG -----------------------------------------------------------------------
SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
# How many proxies in front of the app append to X-Forwarded-For (knowsley_sv/client.py): the client is the
# first hop none of them vouches for.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "1"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# django-ratelimit's `key="ip"` (supplier registration) counts the same client address as everything else.
RATELIMIT_IP_META_KEY = "knowsley_sv.client.client_address"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31_536_000 if SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
# Sessions are kept in the database (the record every app server shares) and read through the shared cache,
# so a step of the resident journey reads no session row; a cache that loses them falls back to the table.
# A local-memory cache is each process's own and would serve one process's stale copy of a session another
# process has changed (a resident's answers lost between steps), so without CACHE_URL sessions are read from
# the table itself.
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if CACHE_URL else 'db'}"
X_FRAME_OPTIONS = "DENY"

# --- Sign-in throttling (django-axes, records in the database every app server shares) ----------------
# Failed sign-ins are counted per username and, separately, per client address; either reaching the limit
# locks sign-in for that username or address until the cool-off ends or an administrator unlocks it.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "knowsley_sv.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "knowsley_sv.views.signin_locked_out"  # the service's own page, and the audit row

# --- Consultation abuse controls (consultation/views/public.py), in the shared cache -------------------
# Per client address (knowsley_sv/client.py), whatever the browser says it is. A library PC or a council
# office carries many honest residents behind one address: raise the limits for an event, not the key.
# "N/h" (or /m, /s, /d, "N/15m"), as django-ratelimit reads it.
CONSULTATION_SUBMIT_RATE = os.environ.get("DJANGO_CONSULTATION_SUBMIT_RATE", "20/h")
CONSULTATION_RECEIPT_RATE = os.environ.get("DJANGO_CONSULTATION_RECEIPT_RATE", "30/h")
for _name, _rate in (
    ("DJANGO_CONSULTATION_SUBMIT_RATE", CONSULTATION_SUBMIT_RATE),
    ("DJANGO_CONSULTATION_RECEIPT_RATE", CONSULTATION_RECEIPT_RATE),
):
    if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", _rate):
        raise ImproperlyConfigured(f'{_name} must be a rate like "20/h"; got {_rate!r}.')

# Content security policy (django-csp): only our own origin; the one inline script carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# One handler, on the root logger: Django's own console handler on "django" is removed, so a line is written
# once, debug or not. Refusals (4xx) are one line at INFO without a traceback (knowsley_sv/log_filters.py):
# on django.request itself, and on the handler for the django.security.* loggers (a bad Host header, say).
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "knowsley_sv.log_filters.RefusalsAreOneLine"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusals"],
            "level": LOG_LEVEL,  # after the filter: DJANGO_LOG_LEVEL=WARNING leaves refusals out
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["refusals"]},
        "django.security.csrf": {"level": "WARNING"},
    },
}

# --- Retention schedule (UK GDPR storage limitation) --------------------------------------------------------
# How long each kind of record is kept: knowsley_sv/retention.py says from when and what happens at the end,
# `manage.py apply_retention` (run daily) applies it, and the privacy notice is rendered from it. Each period
# ("30 days", "18 months", "2 years") can be set from the environment as DJANGO_RETAIN_<KEY>.
RETENTION = {
    key: os.environ.get(f"DJANGO_RETAIN_{key.upper()}", default)
    for key, default in {
        "contacts": "30 days",  # after "you said, we did" is published: time to send residents the update
        "contacts_unanswered": "1 year",  # after close, when no response has been published by then
        "responses": "2 years",  # after the model version they informed is superseded; then comments go
        "evidence": "6 years",  # after the contract ends (Limitation Act 1980: claims on a contract)
        "signin": "90 days",  # sign-in records (django-axes)
        "audit": "7 years",  # after the entry: longer than the contract records it explains; then anonymised
    }.items()
}
try:
    from knowsley_sv.retention import schedule as _retention_schedule  # pure: no Django, safe in settings

    _retention_schedule(RETENTION)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None

# Who residents and staff contact about their data: shown on the privacy notice. The defaults name the
# council's data protection officer in general terms; set the real contact for a deployment.
DATA_PROTECTION_OFFICER = {
    "name": os.environ.get("DJANGO_DPO_NAME", "Data Protection Officer, Knowsley Council"),
    "email": os.environ.get("DJANGO_DPO_EMAIL", "dpo@knowsley.gov.uk"),
    "address": os.environ.get(
        "DJANGO_DPO_ADDRESS", "Knowsley Council, Municipal Buildings, Archway Road, Huyton, L36 9UX"
    ),
}


# --- Background tasks and email (issue 17) ------------------------------------------------------------------
# Tasks go on a queue in the database (django-tasks' database backend): enqueued in the transaction of the
# write that causes them, run by `manage.py db_worker` (any number of workers, on any number of machines). In
# local development they run at once, in the request, so `make demo` needs no worker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if DEBUG
        else "django_tasks_db.DatabaseBackend",
    }
}
# Email: printed to the console in local development; SMTP from these settings otherwise.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Knowsley Social Value <no-reply@localhost>")
# The address every message links back to (emails are sent outside a request).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
