"""WSGI entry point for gunicorn: `gunicorn knowsley_sv.wsgi`. Production settings unless told otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowsley_sv.settings.production")

application = get_wsgi_application()
