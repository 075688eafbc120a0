from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"

    def ready(self):
        from knowsley_sv.views import register_home_section
        from outcomes.forms import register_review_consultations

        from . import selectors, topics  # noqa: F401 (declares the topics of the figures the app caches)
        from .models import Consultation

        register_home_section(selectors.home_section)
        # What a review of the model can cite (outcomes.forms.ReviewForm): outcomes does not import this app.
        register_review_consultations(
            closed=lambda: Consultation.objects.closed().order_by("-closes_at"),
            adopted_since_review=lambda: Consultation.objects.filter(
                split_adopted_at__isnull=False, reviews=None
            ),
        )
