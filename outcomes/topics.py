"""What outcomes' cached figures are worked out from (knowsley_sv.caching): the review banner every board
member's page shows reads the adopted model and its reviews. Imported by OutcomesConfig.ready(), so the topic
is declared before anything writes."""

from knowsley_sv import caching

from .models import ModelReview, SocialValueModel

REVIEW_STATUS = caching.topic("outcomes.review_status", reads=[SocialValueModel, ModelReview])
