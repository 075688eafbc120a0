"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_CACHE = Warning(
    "The cache is local memory: each app server process keeps its own, so rate limits and the check for a "
    "response sent twice work per process, and a process can show cached results and dashboards that "
    "another process's writes have made stale.",
    hint="Set CACHE_URL (or REDIS_URL) to a Redis server that every app server shares.",
    id="knowsley_sv.W001",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    return [LOCAL_CACHE] if backend.endswith("LocMemCache") else []
