from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from . import topics  # noqa: F401 (declares the dashboard's topics before anything writes)
