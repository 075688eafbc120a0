from django.apps import AppConfig
from django.db.models.signals import post_save


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Social Value Model"

    def ready(self):
        from . import dashboard

        # Every save of the dashboard's data makes its cached tables stale (outcomes.dashboard.cached).
        post_save.connect(dashboard.data_saved, dispatch_uid="outcomes.dashboard.data_saved")
