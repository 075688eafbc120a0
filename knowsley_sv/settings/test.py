"""Test settings: small overrides of base (pytest-django loads these before any conftest runs)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdefghij")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # the live server is plain http
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from .base import *  # noqa: E402, F403
from .base import DATABASES, INSTALLED_APPS, STORAGES  # noqa: E402

if "bench" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # seed_scale's tests

STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as in production: one process shares locmem
SECURE_HSTS_SECONDS = 0
DATABASES["default"]["CONN_MAX_AGE"] = 0  # the live server thread must not keep a connection across tests
