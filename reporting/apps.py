from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from knowsley_sv.caching import changed


def data_written(sender, **kwargs) -> None:
    """Every model's save and delete bumps the topics that read it (knowsley_sv.caching.changed).

    `changed` is bound here, not looked up on the module: tests/cache_bumps.py watches `caching.changed` for
    what the services announce themselves, and must not count this catch-all as their announcement."""
    changed(sender)


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from . import topics  # noqa: F401 (declares the dashboard's topics before anything writes)

        # Bridge: removed once every write service announces (issue 15)
        post_save.connect(data_written, dispatch_uid="reporting.data_written")
        post_delete.connect(data_written, dispatch_uid="reporting.data_written")
