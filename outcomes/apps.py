from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Social Value Model"

    def ready(self):
        from knowsley_sv.context_processors import register

        from . import selectors, topics  # noqa: F401 (topics: declared before anything writes)

        register(selectors.review_banner)  # the review-overdue banner on every board member's page
