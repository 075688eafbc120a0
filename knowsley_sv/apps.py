from django.apps import AppConfig


class KnowsleySvConfig(AppConfig):
    """The project package doubles as the app for what every domain shares: users, roles, audit, pages."""

    name = "knowsley_sv"
    verbose_name = "Service"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
