from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"

    def ready(self):
        from knowsley_sv.views import register_home_section

        from . import selectors, topics  # noqa: F401 (declares the topics of the figures the app caches)

        register_home_section(selectors.home_section)
