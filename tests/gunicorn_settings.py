"""Settings for the gunicorn that tests/browser/test_no_loss.py starts and kills: the base settings as they
are with debug off (the shared cache, cached_db sessions, persistent connections), except that static files
are served from the app folders, so no collectstatic is needed."""

from knowsley_sv.settings.base import *  # noqa: F403
from knowsley_sv.settings.base import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
