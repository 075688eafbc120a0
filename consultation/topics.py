"""What the consultation figures kept in the shared cache are worked out from (knowsley_sv.caching): every
service that writes one of these models names it to caching.changed, and the entries reading it are stale."""

from knowsley_sv import caching
from outcomes.models import Outcome, SocialValueModel, Ward

from .models import Allocation, Comment, Consultation, Response, WardPopulation

# The public pages' consultation with its outcomes, and the wards (selectors.public_consultation and
# public_wards): a surge of residents sends no query for them.
SETUP = caching.topic("consultation.setup", reads=[Consultation, SocialValueModel, Outcome, Ward])

# One consultation's results and its public page's body (selectors.cached_results, cached_public_page), scoped
# by the consultation: a response to one leaves the others' cached; a ward or its population, or an outcome's
# title, changes them all.
RESULTS = caching.topic(
    "consultation.results",
    reads=[Consultation, Response, Allocation, Comment, Outcome, Ward, WardPopulation],
    scoped=True,
)
