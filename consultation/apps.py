from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ConsultationConfig(AppConfig):
    name = "consultation"

    def ready(self):
        from knowsley_sv.views import register_home_section
        from outcomes.forms import register_review_consultations
        from outcomes.models import Outcome, SocialValueModel, Ward

        from . import selectors
        from .models import Consultation

        register_home_section(selectors.home_section)
        # What a review of the model can cite (outcomes.forms.ReviewForm): outcomes does not import this app.
        register_review_consultations(
            closed=lambda: Consultation.objects.closed().order_by("-closes_at"),
            adopted_since_review=lambda: Consultation.objects.filter(
                split_adopted_at__isnull=False, reviews=None
            ),
        )
        # The public pages' cached consultation, outcomes and wards (selectors.public_consultation and
        # public_wards) are stale after any change to them, from a service, the admin or a shell.
        for model in (Consultation, SocialValueModel, Outcome, Ward):
            for signal in (post_save, post_delete):
                signal.connect(
                    selectors.setup_changed, sender=model, dispatch_uid=f"consultation.setup.{model.__name__}"
                )
