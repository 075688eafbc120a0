from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from knowsley_sv.caching import changed


def data_written(sender, **kwargs) -> None:
    """A procurement model's save and delete bumps the topics that read it (knowsley_sv.caching.changed): the
    other apps' services and the admin announce their writes themselves, scoped where they are one
    consultation's (a bump from here would make every consultation's results stale).

    `changed` is bound here, not looked up on the module: tests/cache_bumps.py watches `caching.changed` for
    what the services announce themselves, and must not count this catch-all as their announcement."""
    if sender._meta.app_label == "procurement":
        changed(sender)


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from . import topics  # noqa: F401 (declares the dashboard's topics before anything writes)

        # Bridge: removed once procurement's write services announce too (issue 15)
        post_save.connect(data_written, dispatch_uid="reporting.data_written")
        post_delete.connect(data_written, dispatch_uid="reporting.data_written")
